using CsCheck;

namespace HelmSentinel.Tests.Properties;

/// <summary>What a property does to an <see cref="IDeployLog"/>, one step at a time.</summary>
internal enum LogStepKind
{
    Info,
    Warning,
    Error,
    Group,
    EndGroup,
}

/// <summary>One call on a deploy log, with the text it passes.</summary>
internal sealed record LogStep(LogStepKind Kind, string Text);

/// <summary>Generates sequences of log calls with hostile texts.</summary>
internal static class LogSteps
{
    public static readonly Gen<LogStep> Gen = CsCheck.Gen.Frequency(
        (4, Generators.Hostile.Select(t => new LogStep(LogStepKind.Info, t))),
        (2, Generators.Hostile.Select(t => new LogStep(LogStepKind.Warning, t))),
        (2, Generators.Hostile.Select(t => new LogStep(LogStepKind.Error, t))),
        (2, Generators.Hostile.Select(t => new LogStep(LogStepKind.Group, t))),
        (2, CsCheck.Gen.Const(new LogStep(LogStepKind.EndGroup, ""))));

    public static string Show(IEnumerable<LogStep> steps) =>
        "[" + string.Join(", ", steps.Select(s => $"{s.Kind}({Generators.Show(s.Text)})")) + "]";
}
