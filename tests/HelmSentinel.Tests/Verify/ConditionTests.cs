using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

public sealed class ConditionTests
{
    private static Condition Parsed(string text)
    {
        var parsed = Condition.Parse(text);
        parsed.Succeeded.Should().BeTrue("'{0}' should parse, but: {1}", text, parsed.Error);
        return parsed.Condition!;
    }

    private static ConditionVerdict Verdict(string text, double result, double? baseline = null) =>
        Parsed(text).Evaluate(result, baseline).Verdict;

    [Theory]
    [InlineData("result < 0.01", 0.005, ConditionVerdict.Met)]
    [InlineData("result < 0.01", 0.01, ConditionVerdict.NotMet)]
    [InlineData("result <= 0.01", 0.01, ConditionVerdict.Met)]
    [InlineData("result > 1e-3", 0.002, ConditionVerdict.Met)]
    [InlineData("result >= .5", 0.5, ConditionVerdict.Met)]
    [InlineData("result == 200", 200, ConditionVerdict.Met)]
    [InlineData("result != 200", 200, ConditionVerdict.NotMet)]
    [InlineData("result >= 1.5E+2", 150, ConditionVerdict.Met)]
    [InlineData("-result > -1", 0.5, ConditionVerdict.Met)]
    [InlineData("result * 100 < 5", 0.04, ConditionVerdict.Met)]
    [InlineData("result / 0 > 1000", 1, ConditionVerdict.Met)]
    public void Evaluate_Comparisons_FollowIeee(string text, double result, ConditionVerdict expected)
    {
        Verdict(text, result).Should().Be(expected);
    }

    [Theory]
    // * before +, + before comparisons: 1 + 2 * 3 is 7.
    [InlineData("1 + 2 * result == 7", 3, ConditionVerdict.Met)]
    [InlineData("(1 + 2) * result == 9", 3, ConditionVerdict.Met)]
    // - and / group to the left: 10 - 4 - 3 is 3, 24 / 4 / 2 is 3.
    [InlineData("10 - 4 - result == 3", 3, ConditionVerdict.Met)]
    [InlineData("24 / 4 / result == 3", 2, ConditionVerdict.Met)]
    // && before ||: true || false && false is true.
    [InlineData("result > 0 || result > 5 && result > 9", 1, ConditionVerdict.Met)]
    [InlineData("(result > 0 || result > 5) && result > 9", 1, ConditionVerdict.NotMet)]
    // ! binds looser than a comparison and tighter than &&.
    [InlineData("!result > 5", 1, ConditionVerdict.Met)]
    [InlineData("!result > 0 && result > 5", 1, ConditionVerdict.NotMet)]
    [InlineData("!!(result > 0)", 1, ConditionVerdict.Met)]
    // Unary minus binds tightest: -2 * 3 is -6, --1 is 1.
    [InlineData("-2 * result == -6", 3, ConditionVerdict.Met)]
    [InlineData("--result == 1", 1, ConditionVerdict.Met)]
    [InlineData("+result == 1", 1, ConditionVerdict.Met)]
    public void Evaluate_FollowsTheUsualPrecedence(string text, double result, ConditionVerdict expected)
    {
        Verdict(text, result).Should().Be(expected);
    }

    [Theory]
    [InlineData("result < 1")]
    [InlineData("result <= 1")]
    [InlineData("result > 1")]
    [InlineData("result >= 1")]
    [InlineData("result == 1")]
    public void Evaluate_AComparisonWithNaN_IsFalse(string text)
    {
        Verdict(text, double.NaN).Should().Be(ConditionVerdict.NotMet);
        Verdict(text.Replace("result", "baseline", StringComparison.Ordinal) + " || result > 100", 1, double.NaN).Should().Be(ConditionVerdict.NotMet);
    }

    [Fact]
    public void Evaluate_NaNIsNotEqualToAnything_ItselfIncluded()
    {
        Verdict("result != 1", double.NaN).Should().Be(ConditionVerdict.Met);
        Verdict("result != result", double.NaN).Should().Be(ConditionVerdict.Met);
        Verdict("0 / 0 != 0 / 0 && result > 0", 1).Should().Be(ConditionVerdict.Met);
    }

    [Fact]
    public void Evaluate_AMissingBaseline_IsUndecidable_UnlessTheOtherSideDecides()
    {
        const string text = "result < 0.01 || result <= baseline * 1.2";

        Verdict(text, 0.005).Should().Be(ConditionVerdict.Met, "the left side alone is true");
        Verdict(text, 0.5).Should().Be(ConditionVerdict.Undecidable);
        Verdict("result > 0.01 && result <= baseline", 0.005).Should().Be(ConditionVerdict.NotMet, "the left side alone is false");
        Verdict("!(result <= baseline)", 1).Should().Be(ConditionVerdict.Undecidable);
        Verdict(text, 0.5, 0.5).Should().Be(ConditionVerdict.Met);
    }

    [Fact]
    public void Describe_ANotMetCondition_GivesTheFactsThatDecidedIt_WithTheValuesIn()
    {
        var condition = Parsed("result < 0.01 || result <= baseline * 1.2");

        condition.Describe(0.23, 0.002).Should().Be("0.23 >= 0.01 and > baseline 0.002 * 1.2");
        condition.Evaluate(0.23, 0.002).Should().Be(new ConditionEvaluation(ConditionVerdict.NotMet, "0.23 >= 0.01 and > baseline 0.002 * 1.2"));
    }

    [Theory]
    [InlineData("result < 0.01 || result <= baseline * 1.2", 0.005, 0.1, "0.005 < 0.01")]
    [InlineData("result < 0.01 || result <= baseline * 1.2", 0.05, 0.1, "0.05 <= baseline 0.1 * 1.2")]
    [InlineData("result < 0.01 || result <= baseline * 1.2", 0.5, null, "0.5 >= 0.01 and no baseline for result <= baseline * 1.2")]
    [InlineData("result > 0 && result < 1", 2, null, "2 >= 1")]
    [InlineData("result > 0 && result < 1", 0.5, null, "0.5 > 0 and < 1")]
    [InlineData("!(result == 200)", 200, null, "200 == 200")]
    [InlineData("result < 0.01", double.NaN, null, "NaN is not < 0.01")]
    [InlineData("result < 1e-5", 1, null, "1 >= 1e-05")]
    [InlineData("result < 1", double.PositiveInfinity, null, "+Inf >= 1")]
    [InlineData("(result + 1) * 2 < 3", 1, null, "(1 + 1) * 2 >= 3")]
    [InlineData("-result < 0", -3, null, "-(-3) >= 0")]
    public void Describe_States_OnlyTrueFacts(string text, double result, double? baseline, string expected)
    {
        Parsed(text).Describe(result, baseline).Should().Be(expected);
    }

    [Theory]
    [InlineData("result < 0.01 || result <= baseline * 1.2", ConditionVariables.Result | ConditionVariables.Baseline)]
    [InlineData("result < 1", ConditionVariables.Result)]
    [InlineData("baseline < 1", ConditionVariables.Baseline)]
    [InlineData("1 < 2", ConditionVariables.None)]
    public void Variables_AreThoseTheConditionReads(string text, ConditionVariables expected)
    {
        Parsed(text).Variables.Should().Be(expected);
    }

    [Theory]
    [InlineData("result<0.01||result<=baseline*1.2", "result < 0.01 || result <= baseline * 1.2")]
    [InlineData("((result)) < (1)", "result < 1")]
    [InlineData("result - (1 - 2) > 0", "result - (1 - 2) > 0")]
    [InlineData("(result - 1) - 2 > 0", "result - 1 - 2 > 0")]
    [InlineData("!(result > 1 && result < 2)", "!(result > 1 && result < 2)")]
    [InlineData("!(result > 1)", "!result > 1")]
    [InlineData("(result > 1 || result < 0) && result != 5", "(result > 1 || result < 0) && result != 5")]
    [InlineData("-(result * 2) < 1.50", "-(result * 2) < 1.5")]
    [InlineData("result\n  < 1", "result < 1")]
    public void ToString_IsCanonical_WithOnlyTheNeededParentheses(string text, string expected)
    {
        var condition = Parsed(text);

        condition.ToString().Should().Be(expected);
        condition.Text.Should().Be(text);
    }

    [Theory]
    [InlineData("", 1, "the condition is empty; expected a number, result, baseline or '('")]
    [InlineData("   ", 4, "the condition is empty; expected a number, result, baseline or '('")]
    [InlineData("result <", 9, "expected a number, result, baseline or '(' but found the end")]
    [InlineData("result < && 1", 10, "expected a number, result, baseline or '(' but found '&&'")]
    [InlineData("result < 1 result", 12, "expected an operator or the end but found 'result'")]
    [InlineData("result < 1)", 11, "')' has no matching '('")]
    [InlineData("(result < 1", 12, "expected ')' to close the '(' at column 1 but found the end")]
    [InlineData("result = 1", 8, "'=' is not an operator; write == to compare")]
    [InlineData("result < 1 & result > 0", 12, "'&' is not an operator; write && to join conditions")]
    [InlineData("result < 1 | result > 0", 12, "'|' is not an operator; write || to join conditions")]
    [InlineData("result < 1 and result > 0", 12, "unknown name 'and'; write && to join conditions")]
    [InlineData("latency < 1", 1, "unknown name 'latency'; expected a number, result, baseline or '('")]
    [InlineData("Result < 1", 1, "unknown name 'Result'; names are lower case: result")]
    [InlineData("result < 1,5", 11, "unexpected character ','; expected a number, result, baseline or '(' or an operator")]
    [InlineData("result < 1\u00a0", 11, "unexpected character U+00A0; expected a number, result, baseline or '(' or an operator")]
    [InlineData("result < 1e", 10, "the number 1e has no digits after its exponent")]
    [InlineData("result < 1e999", 10, "the number 1e999 is too large")]
    [InlineData("result", 1, "the condition is a number, not true or false; compare it, e.g. result < 0.01")]
    [InlineData("result * 2 + 1", 1, "the condition is a number, not true or false; compare it, e.g. result < 0.01")]
    [InlineData("0 < result < 1", 12, "comparisons do not chain; join two comparisons with &&, e.g. 0 < result && result < 1")]
    [InlineData("result && result < 1", 8, "'&&' joins conditions, but its left side (column 1) is a number; compare it, e.g. result < 1")]
    [InlineData("result < 1 || 2", 12, "'||' joins conditions, but its right side (column 15) is a number; compare it, e.g. result < 1")]
    [InlineData("!result", 1, "'!' negates a condition, but what follows it is a number; write e.g. !(result > 1)")]
    [InlineData("(result < 1) < 2", 14, "'<' compares numbers, but its left side (column 1) is a condition")]
    [InlineData("(result < 1) * 2 > 0", 14, "'*' computes with numbers, but its left side (column 1) is a condition")]
    [InlineData("-(result < 1)", 1, "'-' is a sign for a number, but its operand (column 2) is a condition")]
    public void Parse_ABadCondition_NamesTheColumnAndWhatWasExpected(string text, int column, string message)
    {
        var parsed = Condition.Parse(text);

        parsed.Succeeded.Should().BeFalse();
        parsed.Error.Should().Be(new ConditionSyntaxError(column, message));
        parsed.Condition.Should().BeNull();
    }

    [Fact]
    public void Parse_RefusesATooLongCondition_AndTooDeepParentheses()
    {
        Condition.Parse("result < 1" + new string(' ', 1000)).Error.Should().Be(new ConditionSyntaxError(1001, "the condition is longer than 1000 characters"));
        Condition.Parse(new string('(', 65) + "result < 1" + new string(')', 65)).Error.Should()
            .Be(new ConditionSyntaxError(65, "parentheses are nested deeper than 64 levels"));
        Condition.Parse(new string('(', 64) + "result < 1" + new string(')', 64)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void ASyntaxError_PrintsItsColumn()
    {
        new ConditionSyntaxError(3, "expected a number").ToString().Should().Be("column 3: expected a number");
    }
}
