using System.Globalization;

namespace HelmSentinel.Verify;

/// <summary>
/// Recursive descent over the condition grammar (loosest first):
/// <code>
/// or         := and ('||' and)*
/// and        := not ('&amp;&amp;' not)*
/// not        := '!' not | comparison
/// comparison := sum (('&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!=') sum)?
/// sum        := product (('+' | '-') product)*
/// product    := unary (('*' | '/') unary)*
/// unary      := '-' unary | '+' unary | atom
/// atom       := number | 'result' | 'baseline' | '(' or ')'
/// </code>
/// Types are checked while parsing (numbers are compared, truths are joined), so every error names the operator
/// where the mismatch is. Total: any text ends in a condition or a <see cref="ConditionSyntaxError"/>.
/// </summary>
internal sealed class ConditionParser
{
    /// <summary>Longer conditions are refused, which also bounds the recursion of parsing and evaluating.</summary>
    public const int MaxLength = 1000;

    /// <summary>Parentheses nested deeper than this are refused.</summary>
    public const int MaxDepth = 64;

    private const string Operand = "a number, result, baseline or '('";

    private readonly List<Token> _tokens;
    private int _next;
    private int _depth;

    private ConditionParser(List<Token> tokens) => _tokens = tokens;

    private Token Peek => _tokens[_next];

    public static ConditionParseResult Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            return Fail(MaxLength + 1, $"the condition is longer than {MaxLength} characters");
        }

        try
        {
            var parser = new ConditionParser(Tokenize(text));
            if (parser.Peek.Kind == TokenKind.End)
            {
                return Fail(parser.Peek.Column, $"the condition is empty; expected {Operand}");
            }

            var root = parser.ParseOr();
            var rest = parser.Peek;
            if (rest.Kind != TokenKind.End)
            {
                throw rest.Text == ")"
                    ? new SyntaxException(rest.Column, "')' has no matching '('")
                    : rest.Kind == TokenKind.Name && rest.Text.ToLowerInvariant() is "and" or "or"
                        ? new SyntaxException(rest.Column, UnknownName(rest.Text))
                        : new SyntaxException(rest.Column, $"expected an operator or the end but found {Describe(rest)}");
            }

            if (!root.Node.IsTruth)
            {
                throw new SyntaxException(root.Column, "the condition is a number, not true or false; compare it, e.g. result < 0.01");
            }

            return ConditionParseResult.Parsed(new Condition(text, root.Node));
        }
        catch (SyntaxException e)
        {
            return Fail(e.Column, e.Message);
        }
    }

    private static ConditionParseResult Fail(int column, string message) =>
        ConditionParseResult.Failed(new ConditionSyntaxError(column, message));

    private Located ParseOr() => ParseLogical("||", ParseAnd);

    private Located ParseAnd() => ParseLogical("&&", ParseNot);

    private Located ParseLogical(string op, Func<Located> operand)
    {
        var left = operand();
        while (Peek.Text == op && Peek.Kind == TokenKind.Operator)
        {
            var token = Take();
            var right = operand();
            RequireTruth(token, left, "left side");
            RequireTruth(token, right, "right side");
            left = new Located(new LogicalNode(op, left.Node, right.Node), left.Column);
        }

        return left;
    }

    private Located ParseNot()
    {
        if (Peek.Kind == TokenKind.Operator && Peek.Text == "!")
        {
            var token = Take();
            var operand = ParseNot();
            if (!operand.Node.IsTruth)
            {
                throw new SyntaxException(token.Column, "'!' negates a condition, but what follows it is a number; write e.g. !(result > 1)");
            }

            return new Located(new NotNode(operand.Node), token.Column);
        }

        return ParseComparison();
    }

    private Located ParseComparison()
    {
        var left = ParseSum();
        if (!IsComparison(Peek))
        {
            return left;
        }

        var token = Take();
        var right = ParseSum();
        RequireNumber(token, left, "compares numbers", "left side");
        RequireNumber(token, right, "compares numbers", "right side");
        if (IsComparison(Peek))
        {
            throw new SyntaxException(Peek.Column, "comparisons do not chain; join two comparisons with &&, e.g. 0 < result && result < 1");
        }

        return new Located(new ComparisonNode(token.Text, left.Node, right.Node), left.Column);
    }

    private Located ParseSum() => ParseArithmetic("+", "-", ParseProduct);

    private Located ParseProduct() => ParseArithmetic("*", "/", ParseUnary);

    private Located ParseArithmetic(string op1, string op2, Func<Located> operand)
    {
        var left = operand();
        while (Peek.Kind == TokenKind.Operator && (Peek.Text == op1 || Peek.Text == op2))
        {
            var token = Take();
            var right = operand();
            RequireNumber(token, left, "computes with numbers", "left side");
            RequireNumber(token, right, "computes with numbers", "right side");
            left = new Located(new ArithmeticNode(token.Text, left.Node, right.Node), left.Column);
        }

        return left;
    }

    private Located ParseUnary()
    {
        if (Peek.Kind == TokenKind.Operator && Peek.Text is "-" or "+")
        {
            var token = Take();
            var operand = ParseUnary();
            RequireNumber(token, operand, "is a sign for a number", "operand");
            return new Located(token.Text == "-" ? new NegateNode(operand.Node) : operand.Node, token.Column);
        }

        return ParseAtom();
    }

    private Located ParseAtom()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Take();
                return new Located(new NumberNode(token.Number), token.Column);
            case TokenKind.Name when token.Text == "result":
                Take();
                return new Located(new VariableNode(ConditionVariables.Result), token.Column);
            case TokenKind.Name when token.Text == "baseline":
                Take();
                return new Located(new VariableNode(ConditionVariables.Baseline), token.Column);
            case TokenKind.Name:
                throw new SyntaxException(token.Column, UnknownName(token.Text));
            case TokenKind.Operator when token.Text == "(":
                Take();
                if (++_depth > MaxDepth)
                {
                    throw new SyntaxException(token.Column, $"parentheses are nested deeper than {MaxDepth} levels");
                }

                var inner = ParseOr();
                _depth--;
                if (Peek.Text != ")" || Peek.Kind != TokenKind.Operator)
                {
                    throw new SyntaxException(Peek.Column, $"expected ')' to close the '(' at column {token.Column} but found {Describe(Peek)}");
                }

                Take();
                return inner with { Column = token.Column };
            default:
                throw new SyntaxException(token.Column, $"expected {Operand} but found {Describe(token)}");
        }
    }

    private static string UnknownName(string name) => name.ToLowerInvariant() switch
    {
        "and" => "unknown name 'and'; write && to join conditions",
        "or" => "unknown name 'or'; write || to join conditions",
        "not" => "unknown name 'not'; write ! to negate a condition",
        "true" or "false" => $"unknown name '{name}'; a condition compares numbers, e.g. result < 0.01",
        "nan" or "inf" or "infinity" => $"unknown name '{name}'; only finite numbers can be written",
        "result" or "baseline" => $"unknown name '{name}'; names are lower case: {name.ToLowerInvariant()}",
        _ => $"unknown name '{name}'; expected {Operand}",
    };

    private static void RequireTruth(Token op, Located operand, string side)
    {
        if (!operand.Node.IsTruth)
        {
            throw new SyntaxException(op.Column,
                $"'{op.Text}' joins conditions, but its {side} (column {operand.Column}) is a number; compare it, e.g. result < 1");
        }
    }

    private static void RequireNumber(Token op, Located operand, string does, string side)
    {
        if (operand.Node.IsTruth)
        {
            throw new SyntaxException(op.Column, $"'{op.Text}' {does}, but its {side} (column {operand.Column}) is a condition");
        }
    }

    private static bool IsComparison(Token token) =>
        token.Kind == TokenKind.Operator && token.Text is "<" or "<=" or ">" or ">=" or "==" or "!=";

    private Token Take() => _tokens[_next++];

    private static string Describe(Token token) => token.Kind == TokenKind.End ? "the end" : $"'{token.Text}'";

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var column = i + 1;
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                i++;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var end = ScanNumber(text, i);
                var literal = text[i..end];
                if (!double.TryParse(literal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
                    || !double.IsFinite(value))
                {
                    throw new SyntaxException(column, $"the number {literal} is too large");
                }

                tokens.Add(new Token(TokenKind.Number, literal, column, value));
                i = end;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }

                tokens.Add(new Token(TokenKind.Name, text[i..end], column, 0));
                i = end;
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                if (two is "<=" or ">=" or "==" or "!=" or "&&" or "||")
                {
                    tokens.Add(new Token(TokenKind.Operator, two, column, 0));
                    i += 2;
                }
                else if (c is '<' or '>' or '!' or '+' or '-' or '*' or '/' or '(' or ')')
                {
                    tokens.Add(new Token(TokenKind.Operator, c.ToString(), column, 0));
                    i++;
                }
                else
                {
                    throw new SyntaxException(column, c switch
                    {
                        '=' => "'=' is not an operator; write == to compare",
                        '&' => "'&' is not an operator; write && to join conditions",
                        '|' => "'|' is not an operator; write || to join conditions",
                        _ => $"unexpected character {Show(c)}; expected {Operand} or an operator",
                    });
                }
            }
        }

        tokens.Add(new Token(TokenKind.End, "", text.Length + 1, 0));
        return tokens;
    }

    /// <summary>The end of a number at <paramref name="start"/>: digits, an optional fraction, an optional exponent.</summary>
    private static int ScanNumber(string text, int start)
    {
        var i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < text.Length && text[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent >= text.Length || !char.IsAsciiDigit(text[exponent]))
            {
                throw new SyntaxException(start + 1, $"the number {text[start..Math.Min(exponent, text.Length)]} has no digits after its exponent");
            }

            i = exponent;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        return i;
    }

    private static string Show(char c) =>
        c is >= ' ' and <= '~' ? $"'{c}'" : "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);

    private enum TokenKind
    {
        Number,
        Name,
        Operator,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Column, double Number);

    /// <summary>A parsed node and the column where its text starts.</summary>
    private readonly record struct Located(ConditionNode Node, int Column);

    private sealed class SyntaxException(int column, string message) : Exception(message)
    {
        public int Column { get; } = column;
    }
}
