using System.Globalization;
using CsCheck;
using HelmSentinel.Tests.Properties;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

/// <summary>
/// The condition language against a model of its own: random syntax trees, printed fully parenthesized or with the
/// documented precedence, parse back and evaluate as a straightforward reference does (IEEE comparisons, three-valued
/// logic for a missing baseline); and no text makes <see cref="Condition.Parse"/> throw.
/// </summary>
public sealed class ConditionProperties
{
    private static readonly string[] Pieces =
    [
        "result", "baseline", "<", "<=", ">", ">=", "==", "!=", "=", "&&", "||", "&", "|", "!", "+", "-", "*", "/", "(", ")",
        "0", "1", "0.01", ".5", "1.", "1e", "1e-3", "1E+400", "1.2.3", " ", "\t", "\n", "and", "NaN", "Result", "_x", ",",
    ];

    private static readonly Gen<string> ConditionText = Gen.Frequency(
        (3, Gen.OneOf(Pieces).Array[0, 20].Select(p => string.Concat(p))),
        (1, Gen.Select(Gen.OneOf(Pieces).Array[0, 10], Generators.Hostile, (p, noise) => string.Concat(p) + noise)),
        (1, Generators.Hostile));

    private static readonly Gen<double> Literal = Gen.Frequency(
        (3, Gen.OneOf(0.0, 1.0, 2.0, 0.5, 0.01, 1.2, 1e-5, 3.0, 100.0, 1e300)),
        (1, Gen.Double[0, 1000]));

    private static readonly Gen<double> Sample = Gen.Frequency(
        (3, Gen.OneOf(0.0, -0.0, 1.0, 2.0, 0.5, 0.01, 1.2, -1.0, 3.0, 100.0, 1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity)),
        (2, Gen.Double[-1000, 1000]));

    private static readonly Gen<double?> Baseline = Gen.Frequency(
        (1, Gen.Const((double?)null)),
        (3, Sample.Select(v => (double?)v)));

    private static readonly Gen<Pred> Tree = PredGen(3);

    [Fact]
    public void Parse_OfAnyText_NeverThrows_AndGivesAConditionOrAnErrorInsideTheText() =>
        ConditionText.Sample(text =>
        {
            var parsed = Condition.Parse(text);
            if (parsed.Succeeded)
            {
                parsed.Error.Should().BeNull();
                var evaluation = parsed.Condition.Evaluate(1, null);
                evaluation.Reason.Should().NotBeNull();
                var again = Condition.Parse(parsed.Condition.ToString());
                again.Succeeded.Should().BeTrue("{0} printed {1}: {2}", Generators.Show(text), parsed.Condition, again.Error);
            }
            else
            {
                parsed.Condition.Should().BeNull();
                parsed.Error.Column.Should().BeInRange(1, Math.Min(text.Length, 1000) + 1, "{0}: {1}", Generators.Show(text), parsed.Error);
                parsed.Error.Message.Should().NotBeNullOrWhiteSpace();
            }
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    [Fact]
    public void ARandomTree_PrintedEitherWay_ParsesBack_AndEvaluatesAsTheReference() =>
        Gen.Select(Tree, Sample, Baseline).Sample((tree, result, baseline) =>
        {
            var expected = Reference(tree, result, baseline);
            foreach (var text in new[] { Full(tree), Minimal(tree) })
            {
                var parsed = Condition.Parse(text);
                parsed.Succeeded.Should().BeTrue("{0}: {1}", text, parsed.Error);
                var actual = parsed.Condition!.Evaluate(result, baseline).Verdict;
                actual.Should().Be(expected, "{0} with result {1} and baseline {2}", text, Show(result), baseline is { } b ? Show(b) : "none");
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"{Minimal(t.Item1)} with {Show(t.Item2)}, {(t.Item3 is { } b ? Show(b) : "none")}");

    [Fact]
    public void TheCanonicalForm_ParsesBackToAConditionThatEvaluatesTheSame_AndPrintsTheSame() =>
        Gen.Select(Tree, Sample, Baseline).Sample((tree, result, baseline) =>
        {
            var first = Condition.Parse(Full(tree)).Condition!;
            var printed = first.ToString();
            var second = Condition.Parse(printed);

            second.Succeeded.Should().BeTrue("{0}: {1}", printed, second.Error);
            second.Condition!.ToString().Should().Be(printed);
            second.Condition.Evaluate(result, baseline).Should().Be(first.Evaluate(result, baseline), "{0}", printed);
            second.Condition.Variables.Should().Be(first.Variables);
        }, iter: Generators.Iterations, threads: 1, print: t => Minimal(t.Item1));

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static Gen<Expr> ExprGen(int depth)
    {
        var leaf = Gen.Frequency(
            (2, Literal.Select(v => (Expr)new Num(v))),
            (2, Gen.Const((Expr)new Var(false))),
            (1, Gen.Const((Expr)new Var(true))));
        if (depth == 0)
        {
            return leaf;
        }

        var smaller = ExprGen(depth - 1);
        return Gen.Frequency(
            (3, leaf),
            (1, smaller.Select(e => (Expr)new Neg(e))),
            (2, Gen.Select(Gen.OneOf("+", "-", "*", "/"), smaller, smaller, (op, l, r) => (Expr)new Arith(op, l, r))));
    }

    private static Gen<Pred> PredGen(int depth)
    {
        var comparison = Gen.Select(Gen.OneOf("<", "<=", ">", ">=", "==", "!="), ExprGen(2), ExprGen(2), (op, l, r) => (Pred)new Cmp(op, l, r));
        if (depth == 0)
        {
            return comparison;
        }

        var smaller = PredGen(depth - 1);
        return Gen.Frequency(
            (3, comparison),
            (1, smaller.Select(p => (Pred)new Not(p))),
            (2, Gen.Select(Gen.OneOf("&&", "||"), smaller, smaller, (op, l, r) => (Pred)new Logic(op, l, r))));
    }

    // The model: numbers and truths kept apart by type, as the grammar does.
    private abstract record Expr;

    private sealed record Num(double Value) : Expr;

    private sealed record Var(bool IsBaseline) : Expr;

    private sealed record Neg(Expr Operand) : Expr;

    private sealed record Arith(string Op, Expr Left, Expr Right) : Expr;

    private abstract record Pred;

    private sealed record Cmp(string Op, Expr Left, Expr Right) : Pred;

    private sealed record Not(Pred Operand) : Pred;

    private sealed record Logic(string Op, Pred Left, Pred Right) : Pred;

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Full(Expr e) => e switch
    {
        Num n => Number(n.Value),
        Var v => v.IsBaseline ? "baseline" : "result",
        Neg n => "(-" + Full(n.Operand) + ")",
        Arith a => "(" + Full(a.Left) + a.Op + Full(a.Right) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private static string Full(Pred p) => p switch
    {
        Cmp c => "(" + Full(c.Left) + " " + c.Op + " " + Full(c.Right) + ")",
        Not n => "(!" + Full(n.Operand) + ")",
        Logic l => "(" + Full(l.Left) + l.Op + Full(l.Right) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    // The documented binding, tightest first: unary -, * /, + -, comparisons, !, &&, ||; binary operators group left.
    private static int Rank(Expr e) => e switch { Neg => 7, Arith { Op: "+" or "-" } => 5, Arith => 6, _ => 8 };

    private static int Rank(Pred p) => p switch { Cmp => 4, Not => 3, Logic { Op: "&&" } => 2, _ => 1 };

    private static string Paren(string text, bool wrap) => wrap ? "(" + text + ")" : text;

    private static string Minimal(Expr e) => e switch
    {
        Num n => Number(n.Value),
        Var v => v.IsBaseline ? "baseline" : "result",
        Neg n => "-" + Paren(Minimal(n.Operand), Rank(n.Operand) < 7),
        Arith a => Paren(Minimal(a.Left), Rank(a.Left) < Rank(a)) + " " + a.Op + " " + Paren(Minimal(a.Right), Rank(a.Right) <= Rank(a)),
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private static string Minimal(Pred p) => p switch
    {
        Cmp c => Minimal(c.Left) + " " + c.Op + " " + Minimal(c.Right),
        Not n => "!" + Paren(Minimal(n.Operand), Rank(n.Operand) < 3),
        Logic l => Paren(Minimal(l.Left), Rank(l.Left) < Rank(l)) + " " + l.Op + " " + Paren(Minimal(l.Right), Rank(l.Right) <= Rank(l)),
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    private static double? Value(Expr e, double result, double? baseline)
    {
        switch (e)
        {
            case Num n:
                return n.Value;
            case Var v:
                return v.IsBaseline ? baseline : result;
            case Neg n:
                return Value(n.Operand, result, baseline) is { } x ? -x : null;
            case Arith a:
                var l = Value(a.Left, result, baseline);
                var r = Value(a.Right, result, baseline);
                if (l is null || r is null)
                {
                    return null;
                }

                return a.Op switch { "+" => l.Value + r.Value, "-" => l.Value - r.Value, "*" => l.Value * r.Value, _ => l.Value / r.Value };
            default:
                throw new ArgumentOutOfRangeException(nameof(e));
        }
    }

    /// <summary>Kleene's three-valued logic written out: null is "unknown for want of a baseline".</summary>
    private static bool? Truth(Pred p, double result, double? baseline)
    {
        switch (p)
        {
            case Cmp c:
                var l = Value(c.Left, result, baseline);
                var r = Value(c.Right, result, baseline);
                if (l is null || r is null)
                {
                    return null;
                }

                return c.Op switch
                {
                    "<" => l.Value < r.Value,
                    "<=" => l.Value <= r.Value,
                    ">" => l.Value > r.Value,
                    ">=" => l.Value >= r.Value,
                    "==" => l.Value == r.Value,
                    _ => l.Value != r.Value,
                };
            case Not n:
                return Truth(n.Operand, result, baseline) is { } t ? !t : null;
            case Logic g:
                var a = Truth(g.Left, result, baseline);
                var b = Truth(g.Right, result, baseline);
                var settles = g.Op == "||";
                if (a == settles || b == settles)
                {
                    return settles;
                }

                return a is null || b is null ? null : !settles;
            default:
                throw new ArgumentOutOfRangeException(nameof(p));
        }
    }

    private static ConditionVerdict Reference(Pred p, double result, double? baseline) => Truth(p, result, baseline) switch
    {
        true => ConditionVerdict.Met,
        false => ConditionVerdict.NotMet,
        null => ConditionVerdict.Undecidable,
    };
}
