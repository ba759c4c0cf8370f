using System.Text;

namespace HelmSentinel.Migrations;

/// <summary>
/// Splits PostgreSQL and MySQL migration files into statements of tokens, with line numbers. It knows just enough of
/// each dialect's lexical rules that nothing inside a comment or a literal is read as SQL: <c>--</c> and <c>/* */</c>
/// comments (nested in PostgreSQL; <c>#</c> too in MySQL), quoted identifiers (<c>"x"</c>, MySQL <c>`x`</c>), string
/// literals (<c>'…'</c> with <c>''</c>, PostgreSQL <c>E'…'</c> and MySQL's backslash escapes), PostgreSQL dollar quotes
/// (<c>$$…$$</c>, <c>$tag$…$tag$</c>, so a function body is one literal) and MySQL's <c>DELIMITER</c> lines. MySQL's
/// <c>/*!…*/</c> comments are read as SQL, as MySQL runs them. Pure.
/// </summary>
public static class SqlTokenizer
{
    /// <summary>The longest <see cref="SqlStatement.FirstLine"/> kept; longer ones end in <c>…</c>.</summary>
    public const int MaxFirstLine = 120;

    /// <summary>The statements of <paramref name="sql"/>, in order; empty ones (<c>;;</c>) are left out.</summary>
    /// <exception cref="ArgumentException">For <see cref="SqlDialect.SqlServer"/>, which ScriptDom reads.</exception>
    public static IReadOnlyList<SqlStatement> Statements(string sql, SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (dialect is SqlDialect.SqlServer)
        {
            throw new ArgumentException("T-SQL is read by ScriptDom, not by this tokenizer.", nameof(dialect));
        }

        return new Reader(sql, dialect is SqlDialect.MySql).Read();
    }

    /// <summary>The first line of a statement starting at <paramref name="start"/> in <paramref name="text"/>: trimmed, bounded.</summary>
    internal static string FirstLineAt(string text, int start)
    {
        var end = text.IndexOf('\n', start);
        var line = (end < 0 ? text[start..] : text[start..end]).Trim();
        return line.Length <= MaxFirstLine ? line : string.Concat(line.AsSpan(0, MaxFirstLine - 1), "…");
    }

    private sealed class Reader(string text, bool mySql)
    {
        private readonly List<SqlStatement> _statements = [];
        private readonly List<SqlToken> _tokens = [];
        private int _i;
        private int _line = 1;
        private int _start = -1;
        private string _delimiter = ";";
        private int _executableComments;

        public IReadOnlyList<SqlStatement> Read()
        {
            while (_i < text.Length)
            {
                var c = text[_i];
                if (c == '\n')
                {
                    _line++;
                    _i++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    _i++;
                }
                else if (_tokens.Count == 0 && mySql && AtDelimiterCommand())
                {
                    ReadDelimiterCommand();
                }
                else if (string.CompareOrdinal(text, _i, _delimiter, 0, _delimiter.Length) == 0)
                {
                    _i += _delimiter.Length;
                    EndStatement();
                }
                else if (c == '-' && Next(1) == '-' && (!mySql || Next(2) is '\0' || char.IsWhiteSpace(Next(2)) || char.IsControl(Next(2))))
                {
                    SkipToEndOfLine();
                }
                else if (c == '#' && mySql)
                {
                    SkipToEndOfLine();
                }
                else if (c == '/' && Next(1) == '*')
                {
                    if (mySql && Next(2) == '!')
                    {
                        // MySQL runs what is inside /*! … */ (after an optional version number): read it as SQL.
                        _i += 3;
                        while (_i < text.Length && char.IsAsciiDigit(text[_i]))
                        {
                            _i++;
                        }

                        _executableComments++;
                    }
                    else
                    {
                        SkipBlockComment();
                    }
                }
                else if (c == '*' && Next(1) == '/' && _executableComments > 0)
                {
                    _executableComments--;
                    _i += 2;
                }
                else if (c == '\'')
                {
                    ReadQuoted(SqlTokenKind.Literal, '\'', backslashes: mySql);
                }
                else if (c == '"')
                {
                    // MySQL's double quotes make a string (unless ANSI_QUOTES); PostgreSQL's an identifier.
                    ReadQuoted(mySql ? SqlTokenKind.Literal : SqlTokenKind.QuotedIdentifier, '"', backslashes: mySql);
                }
                else if (c == '`' && mySql)
                {
                    ReadQuoted(SqlTokenKind.QuotedIdentifier, '`', backslashes: false);
                }
                else if ((c is 'E' or 'e') && Next(1) == '\'' && !mySql)
                {
                    _i++;
                    ReadQuoted(SqlTokenKind.Literal, '\'', backslashes: true, from: _i - 1);
                }
                else if (c == '$' && !mySql && DollarTag() is { } tag)
                {
                    ReadDollarQuoted(tag);
                }
                else if (IsWordChar(c))
                {
                    var from = _i;
                    while (_i < text.Length && (IsWordChar(text[_i]) || text[_i] == '$'))
                    {
                        _i++;
                    }

                    Add(SqlTokenKind.Word, text[from.._i], from, _line);
                }
                else
                {
                    Add(SqlTokenKind.Symbol, c.ToString(), _i, _line);
                    _i++;
                }
            }

            EndStatement();
            return _statements;
        }

        private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

        private char Next(int offset) => _i + offset < text.Length ? text[_i + offset] : '\0';

        private void Add(SqlTokenKind kind, string tokenText, int from, int line)
        {
            if (_tokens.Count == 0)
            {
                _start = from;
            }

            _tokens.Add(new SqlToken(kind, tokenText, line));
        }

        private void EndStatement()
        {
            if (_tokens.Count > 0)
            {
                _statements.Add(new SqlStatement(_tokens[0].Line, FirstLineAt(text, _start), [.. _tokens]));
                _tokens.Clear();
            }
        }

        private void SkipToEndOfLine()
        {
            while (_i < text.Length && text[_i] != '\n')
            {
                _i++;
            }
        }

        // PostgreSQL nests block comments; MySQL does not.
        private void SkipBlockComment()
        {
            var depth = 0;
            while (_i < text.Length)
            {
                if (text[_i] == '/' && Next(1) == '*' && (depth == 0 || !mySql))
                {
                    depth++;
                    _i += 2;
                }
                else if (text[_i] == '*' && Next(1) == '/')
                {
                    _i += 2;
                    if (--depth == 0)
                    {
                        return;
                    }
                }
                else
                {
                    _line += text[_i] == '\n' ? 1 : 0;
                    _i++;
                }
            }
        }

        private void ReadQuoted(SqlTokenKind kind, char quote, bool backslashes, int? from = null)
        {
            var start = from ?? _i;
            var line = _line;
            var value = new StringBuilder();
            _i++;
            while (_i < text.Length)
            {
                var c = text[_i];
                if (backslashes && c == '\\' && _i + 1 < text.Length)
                {
                    _line += text[_i + 1] == '\n' ? 1 : 0;
                    value.Append(c).Append(text[_i + 1]);
                    _i += 2;
                    continue;
                }

                if (c == quote)
                {
                    if (Next(1) == quote)
                    {
                        value.Append(quote);
                        _i += 2;
                        continue;
                    }

                    _i++;
                    break;
                }

                _line += c == '\n' ? 1 : 0;
                value.Append(c);
                _i++;
            }

            Add(kind, kind is SqlTokenKind.QuotedIdentifier ? value.ToString() : text[start.._i], start, line);
        }

        // $tag$ where tag is empty or an identifier not starting with a digit; $1 is a parameter, not a quote.
        private string? DollarTag()
        {
            var j = _i + 1;
            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                return null;
            }

            while (j < text.Length && IsWordChar(text[j]))
            {
                j++;
            }

            return j < text.Length && text[j] == '$' ? text[_i..(j + 1)] : null;
        }

        private void ReadDollarQuoted(string tag)
        {
            var start = _i;
            var line = _line;
            var close = text.IndexOf(tag, _i + tag.Length, StringComparison.Ordinal);
            var end = close < 0 ? text.Length : close + tag.Length;
            for (var j = _i; j < end; j++)
            {
                _line += text[j] == '\n' ? 1 : 0;
            }

            _i = end;
            Add(SqlTokenKind.Literal, text[start..end], start, line);
        }

        private bool AtDelimiterCommand() =>
            string.Compare(text, _i, "DELIMITER", 0, 9, StringComparison.OrdinalIgnoreCase) == 0 && Next(9) is ' ' or '\t';

        private void ReadDelimiterCommand()
        {
            _i += 9;
            var from = _i;
            SkipToEndOfLine();
            var delimiter = text[from.._i].Trim();
            if (delimiter.Length > 0)
            {
                _delimiter = delimiter;
            }
        }
    }
}
