namespace HelmSentinel.Deploy;

/// <summary>One problem with one input of a <see cref="DeployRequest"/>, found before anything runs.</summary>
/// <param name="Input">The input's kebab-case name as users write it (<c>release</c>, <c>set-file</c>, <c>history-max</c>, …).</param>
/// <param name="Message">What is wrong and what is expected, quoting the bad value with secrets masked.</param>
public sealed record InputError(string Input, string Message)
{
    /// <summary><c>input: message</c>, the form printed in logs.</summary>
    public override string ToString() => $"{Input}: {Message}";
}
