using System.Globalization;
using System.Text;

namespace HelmSentinel.Verify;

/// <summary>
/// A success condition such as <c>result &lt; 0.01 || result &lt;= baseline * 1.2</c>: parsed once by
/// <see cref="Parse"/> (no eval, no reflection), then evaluated on each sample.
/// </summary>
/// <remarks>
/// <para>
/// Grammar: the variables <c>result</c> and <c>baseline</c>; numbers in the invariant culture (<c>3</c>, <c>0.01</c>,
/// <c>.5</c>, <c>1e-3</c>); arithmetic <c>+ - * /</c> and unary <c>-</c>; comparisons <c>&lt; &lt;= &gt; &gt;= == !=</c>
/// (they do not chain); <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>; parentheses. Binding, tightest first: unary minus,
/// <c>* /</c>, <c>+ -</c>, comparisons, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>; binary operators group to the left.
/// <c>!</c> binds looser than a comparison (like SQL's <c>NOT</c>), so <c>!result &gt; 1</c> means
/// <c>!(result &gt; 1)</c>. A condition is at most 1000 characters and nests at most 64 parentheses.
/// </para>
/// <para>
/// Numbers follow IEEE 754, as Prometheus does: a comparison with NaN is false, except <c>!=</c>, which is true;
/// dividing by zero gives an infinity (or NaN for <c>0 / 0</c>).
/// </para>
/// <para>
/// A missing baseline is unknown, not a number: a comparison that reads it is undecidable, and <c>&amp;&amp;</c>,
/// <c>||</c> and <c>!</c> follow three-valued logic, so <c>result &lt; 0.01 || result &lt;= baseline * 1.2</c> is still
/// met by a result of 0.005 without a baseline, and undecidable (not failed) for a result of 0.5.
/// </para>
/// </remarks>
public sealed class Condition
{
    private readonly ConditionNode _root;

    internal Condition(string text, ConditionNode root)
    {
        Text = text;
        _root = root;
        Variables = VariablesOf(root);
    }

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>The variables the condition reads: a check that has no baseline refuses a condition reading <c>baseline</c>.</summary>
    public ConditionVariables Variables { get; }

    internal ConditionNode Root => _root;

    /// <summary>Parses a condition. Never throws: any text gives a condition or the first syntax error, with its column.</summary>
    /// <param name="text">The condition, e.g. <c>result &lt; 0.01</c>; white space (also line breaks) between tokens is ignored.</param>
    public static ConditionParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ConditionParser.Parse(text);
    }

    /// <summary>Decides the condition for one sample.</summary>
    /// <param name="result">The sample's value; NaN and infinities are allowed (see the remarks on NaN).</param>
    /// <param name="baseline">The pre-upgrade value, or null when there is none: then a comparison reading it is unknown.</param>
    /// <returns>Met, not met or undecidable, with the reason <see cref="Describe"/> gives.</returns>
    public ConditionEvaluation Evaluate(double result, double? baseline)
    {
        var truth = Truth(_root, result, baseline);
        var verdict = truth switch
        {
            true => ConditionVerdict.Met,
            false => ConditionVerdict.NotMet,
            null => ConditionVerdict.Undecidable,
        };
        return new ConditionEvaluation(verdict, Explain(_root, result, baseline));
    }

    /// <summary>
    /// The comparisons that decided the verdict, with the values put in, joined by <c>and</c>; a subject repeated from
    /// the previous comparison is left out. For <c>result &lt; 0.01 || result &lt;= baseline * 1.2</c> with result 0.23
    /// and baseline 0.002: <c>0.23 &gt;= 0.01 and &gt; baseline 0.002 * 1.2</c>; with result 0.005: <c>0.005 &lt; 0.01</c>.
    /// A comparison with NaN that is false reads <c>NaN is not &lt; 0.01</c>; one that needs a missing baseline reads
    /// <c>no baseline for result &lt;= baseline * 1.2</c>. Numbers are written round-trip (<c>1e-05</c>, <c>NaN</c>, <c>+Inf</c>).
    /// </summary>
    public string Describe(double result, double? baseline) => Explain(_root, result, baseline);

    /// <summary>The condition in canonical form: single spaces around binary operators, only the parentheses it needs.
    /// It parses back to a condition that evaluates the same.</summary>
    public override string ToString() => Print(_root);

    /// <summary>A number as conditions and reasons write it: round-trip, invariant, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.</summary>
    internal static string Format(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'),
    };

    private static ConditionVariables VariablesOf(ConditionNode node) => node switch
    {
        VariableNode v => v.Variable,
        NegateNode n => VariablesOf(n.Operand),
        NotNode n => VariablesOf(n.Operand),
        ArithmeticNode a => VariablesOf(a.Left) | VariablesOf(a.Right),
        ComparisonNode c => VariablesOf(c.Left) | VariablesOf(c.Right),
        LogicalNode l => VariablesOf(l.Left) | VariablesOf(l.Right),
        _ => ConditionVariables.None,
    };

    private static double? Value(ConditionNode node, double result, double? baseline) => node switch
    {
        NumberNode n => n.Value,
        VariableNode { Variable: ConditionVariables.Baseline } => baseline,
        VariableNode => result,
        NegateNode n => -Value(n.Operand, result, baseline),
        ArithmeticNode a => Value(a.Left, result, baseline) is { } left && Value(a.Right, result, baseline) is { } right
            ? Arithmetic(a.Operator, left, right)
            : null,
        _ => throw new ArgumentOutOfRangeException(nameof(node), node, "Not a number node."),
    };

    private static double Arithmetic(string op, double left, double right) => op switch
    {
        "+" => left + right,
        "-" => left - right,
        "*" => left * right,
        "/" => left / right,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not an arithmetic operator."),
    };

    /// <summary>True, false, or null when a missing baseline leaves it open; <c>&amp;</c> and <c>|</c> on <c>bool?</c> are three-valued.</summary>
    private static bool? Truth(ConditionNode node, double result, double? baseline) => node switch
    {
        ComparisonNode c => Value(c.Left, result, baseline) is { } left && Value(c.Right, result, baseline) is { } right
            ? Compare(c.Operator, left, right)
            : null,
        NotNode n => !Truth(n.Operand, result, baseline),
        LogicalNode { Operator: "&&" } l => Truth(l.Left, result, baseline) & Truth(l.Right, result, baseline),
        LogicalNode l => Truth(l.Left, result, baseline) | Truth(l.Right, result, baseline),
        _ => throw new ArgumentOutOfRangeException(nameof(node), node, "Not a truth node."),
    };

    private static bool Compare(string op, double left, double right) => op switch
    {
        "<" => left < right,
        "<=" => left <= right,
        ">" => left > right,
        ">=" => left >= right,
        "==" => left == right,
        "!=" => left != right,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a comparison operator."),
    };

    private static string Negated(string op) => op switch
    {
        "<" => ">=",
        "<=" => ">",
        ">" => "<=",
        ">=" => "<",
        "==" => "!=",
        _ => "==",
    };

    private static string Explain(ConditionNode root, double result, double? baseline)
    {
        var facts = new List<Fact>();
        Collect(root, result, baseline, facts);
        var text = new StringBuilder();
        string? subject = null;
        foreach (var fact in facts)
        {
            if (text.Length > 0)
            {
                text.Append(" and ");
            }

            text.Append(fact.Subject is not null && fact.Subject == subject ? fact.Predicate : fact.Subject + (fact.Subject is null ? "" : " ") + fact.Predicate);
            subject = fact.Subject;
        }

        return text.ToString();
    }

    /// <summary>The facts that give <paramref name="node"/> its value: for a decided &amp;&amp; or ||, only the side that decided.</summary>
    private static void Collect(ConditionNode node, double result, double? baseline, List<Fact> facts)
    {
        switch (node)
        {
            case ComparisonNode c:
                facts.Add(FactOf(c, result, baseline));
                break;
            case NotNode n:
                Collect(n.Operand, result, baseline, facts);
                break;
            case LogicalNode l:
                var value = Truth(l, result, baseline);
                var left = Truth(l.Left, result, baseline);
                var decisive = l.Operator == "||"; // the value one side alone settles
                if (value == decisive)
                {
                    // Only the first side that decides it.
                    Collect(left == decisive ? l.Left : l.Right, result, baseline, facts);
                }
                else
                {
                    Collect(l.Left, result, baseline, facts);
                    Collect(l.Right, result, baseline, facts);
                }

                break;
        }
    }

    private static Fact FactOf(ComparisonNode c, double result, double? baseline)
    {
        var left = Value(c.Left, result, baseline);
        var right = Value(c.Right, result, baseline);
        if (left is not { } l || right is not { } r)
        {
            return new Fact(null, "no baseline for " + Print(c));
        }

        var subject = Render(c.Left, result, baseline);
        var objectText = Render(c.Right, result, baseline);
        if (Compare(c.Operator, l, r))
        {
            return new Fact(subject, c.Operator + " " + objectText);
        }

        return double.IsNaN(l) || double.IsNaN(r)
            ? new Fact(subject, "is not " + c.Operator + " " + objectText)
            : new Fact(subject, Negated(c.Operator) + " " + objectText);
    }

    /// <summary>A number node with the values put in: <c>result</c> as its value, <c>baseline</c> as <c>baseline 0.002</c>.</summary>
    private static string Render(ConditionNode node, double result, double? baseline) => node switch
    {
        NumberNode n => Format(n.Value),
        VariableNode { Variable: ConditionVariables.Baseline } => baseline is { } b ? "baseline " + Format(b) : "baseline",
        VariableNode => Format(result),
        NegateNode n => "-" + Wrap(Render(n.Operand, result, baseline), n.Operand.Precedence < n.Precedence || StartsWithSign(n.Operand, result)),
        ArithmeticNode a => Wrap(Render(a.Left, result, baseline), a.Left.Precedence < a.Precedence) + " " + a.Operator + " "
            + Wrap(Render(a.Right, result, baseline), a.Right.Precedence <= a.Precedence),
        _ => Print(node),
    };

    private static bool StartsWithSign(ConditionNode node, double result) =>
        node is NegateNode || (node is VariableNode { Variable: ConditionVariables.Result } && (result < 0 || double.IsNegativeInfinity(result)));

    private static string Print(ConditionNode node) => node switch
    {
        NumberNode n => Format(n.Value),
        VariableNode v => v.Name,
        NegateNode n => "-" + Wrap(Print(n.Operand), n.Operand.Precedence < n.Precedence),
        NotNode n => "!" + Wrap(Print(n.Operand), n.Operand.Precedence < n.Precedence),
        ArithmeticNode a => Binary(a.Operator, a.Left, a.Right, a.Precedence),
        ComparisonNode c => Binary(c.Operator, c.Left, c.Right, c.Precedence),
        LogicalNode l => Binary(l.Operator, l.Left, l.Right, l.Precedence),
        _ => throw new ArgumentOutOfRangeException(nameof(node), node, "Unknown node."),
    };

    private static string Binary(string op, ConditionNode left, ConditionNode right, int precedence) =>
        Wrap(Print(left), left.Precedence < precedence) + " " + op + " " + Wrap(Print(right), right.Precedence <= precedence);

    private static string Wrap(string text, bool parenthesize) => parenthesize ? "(" + text + ")" : text;

    /// <summary>One true statement about the sample: <c>0.23</c> (subject) <c>&gt;= 0.01</c> (predicate).</summary>
    private readonly record struct Fact(string? Subject, string Predicate);
}
