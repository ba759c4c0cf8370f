namespace HelmSentinel.Migrations;

/// <summary>What a <see cref="SqlToken"/> is.</summary>
public enum SqlTokenKind
{
    /// <summary>A keyword or an unquoted identifier (<c>ALTER</c>, <c>users</c>), or a number.</summary>
    Word,

    /// <summary>A quoted identifier (<c>"Users"</c>, <c>`users`</c>, <c>[users]</c>); its text is the name without the quotes.</summary>
    QuotedIdentifier,

    /// <summary>A string literal of any form (<c>'…'</c>, <c>E'…'</c>, <c>$$…$$</c>); its text is the literal as written.</summary>
    Literal,

    /// <summary>Any other character: <c>(</c>, <c>,</c>, <c>.</c>, <c>=</c>, …</summary>
    Symbol,
}

/// <summary>One token of a SQL statement; comments are not tokens.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Its text (a quoted identifier without its quotes).</param>
/// <param name="Line">The 1-based line it starts on.</param>
public sealed record SqlToken(SqlTokenKind Kind, string Text, int Line)
{
    /// <summary>True when this is the unquoted word <paramref name="word"/>, in any case.</summary>
    public bool Is(string word) => Kind is SqlTokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when this is the symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(char symbol) => Kind is SqlTokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;
}

/// <summary>One statement of a migration file: its tokens (comments left out), where it starts and its first line.</summary>
/// <param name="Line">The 1-based line of its first token.</param>
/// <param name="FirstLine">The source text of its first line, from its first token, trimmed and bounded (<see cref="SqlTokenizer.MaxFirstLine"/>).</param>
/// <param name="Tokens">Its tokens, without the closing delimiter.</param>
public sealed record SqlStatement(int Line, string FirstLine, IReadOnlyList<SqlToken> Tokens);
