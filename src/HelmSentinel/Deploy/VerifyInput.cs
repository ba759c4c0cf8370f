using HelmSentinel.Verify;

namespace HelmSentinel.Deploy;

/// <summary>The verify document of a request, read from its file and parsed, with the environment's bearer tokens.</summary>
internal static class VerifyInput
{
    /// <summary>The document's spec, or why there is none; no file: no spec and no error.</summary>
    /// <param name="file">The document's path (<see cref="DeployRequest.VerifyFile"/>).</param>
    public static (VerifySpec? Spec, IReadOnlyList<string> Errors) Load(string? file)
    {
        if (file is null)
        {
            return (null, []);
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, [$"cannot read '{file}': {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}"]);
        }

        var parsed = VerifySpecParser.Parse(text, Environment.GetEnvironmentVariable);
        // The errors name the check, the field and the line; not the file, which the action and the task write to a
        // private temporary path the user never chose (the CLI's user named it in --verify).
        return parsed.Succeeded ? (parsed.Spec, []) : (null, [.. parsed.Errors.Select(e => e.ToString())]);
    }

    /// <summary>The values of the bearer-token variables a readable document names; none when it does not parse.</summary>
    public static IEnumerable<string> Secrets(string? file) =>
        Load(file).Spec is { } spec ? VerificationProbes.Secrets(spec) : [];
}
