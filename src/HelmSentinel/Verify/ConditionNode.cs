namespace HelmSentinel.Verify;

/// <summary>A node of a parsed <see cref="Condition"/>: a number (literal, variable, arithmetic) or a truth (comparison, !, &amp;&amp;, ||).</summary>
internal abstract record ConditionNode
{
    /// <summary>Binding strength, loosest first: || 1, &amp;&amp; 2, ! 3, comparisons 4, + - 5, * / 6, unary - 7, atoms 8.</summary>
    public abstract int Precedence { get; }

    /// <summary>True for nodes that are true or false rather than a number.</summary>
    public abstract bool IsTruth { get; }
}

/// <summary>A number as written (never negative: a minus sign is a <see cref="NegateNode"/>).</summary>
internal sealed record NumberNode(double Value) : ConditionNode
{
    public override int Precedence => 8;

    public override bool IsTruth => false;
}

/// <summary><c>result</c> or <c>baseline</c>.</summary>
internal sealed record VariableNode(ConditionVariables Variable) : ConditionNode
{
    public override int Precedence => 8;

    public override bool IsTruth => false;

    public string Name => Variable == ConditionVariables.Baseline ? "baseline" : "result";
}

/// <summary>Unary minus.</summary>
internal sealed record NegateNode(ConditionNode Operand) : ConditionNode
{
    public override int Precedence => 7;

    public override bool IsTruth => false;
}

/// <summary><c>+ - * /</c> on two numbers, IEEE 754 (division by zero gives an infinity or NaN).</summary>
internal sealed record ArithmeticNode(string Operator, ConditionNode Left, ConditionNode Right) : ConditionNode
{
    public override int Precedence => Operator is "+" or "-" ? 5 : 6;

    public override bool IsTruth => false;
}

/// <summary><c>&lt; &lt;= &gt; &gt;= == !=</c> on two numbers.</summary>
internal sealed record ComparisonNode(string Operator, ConditionNode Left, ConditionNode Right) : ConditionNode
{
    public override int Precedence => 4;

    public override bool IsTruth => true;
}

/// <summary><c>!</c>: binds looser than a comparison, so <c>!result &gt; 1</c> is <c>!(result &gt; 1)</c>.</summary>
internal sealed record NotNode(ConditionNode Operand) : ConditionNode
{
    public override int Precedence => 3;

    public override bool IsTruth => true;
}

/// <summary><c>&amp;&amp;</c> or <c>||</c>.</summary>
internal sealed record LogicalNode(string Operator, ConditionNode Left, ConditionNode Right) : ConditionNode
{
    public override int Precedence => Operator == "||" ? 1 : 2;

    public override bool IsTruth => true;
}
