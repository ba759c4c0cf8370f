using System.Runtime.CompilerServices;
using HelmSentinel.Verify;

namespace HelmSentinel.Deploy;

/// <summary>
/// The verify document of a request, read from its file and parsed once per request: the validator, the masker and the
/// session see the same document, even when the file changes meanwhile, and it is read a single time.
/// </summary>
internal static class VerifyInput
{
    private static readonly ConditionalWeakTable<DeployRequest, VerifyDocument> Loaded = [];

    /// <summary>The request's document (<see cref="DeployRequest.VerifyFile"/>), loaded the first time it is asked for.</summary>
    public static VerifyDocument Of(DeployRequest request) => Loaded.GetValue(request, static r => Load(r.VerifyFile));

    /// <summary>The document's spec, or why there is none; no file: no spec and no error.</summary>
    /// <param name="file">The document's path (<see cref="DeployRequest.VerifyFile"/>).</param>
    internal static VerifyDocument Load(string? file)
    {
        if (file is null)
        {
            return VerifyDocument.None;
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new VerifyDocument(null, [$"cannot read '{file}': {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}"]);
        }

        var parsed = VerifySpecParser.Parse(text, Environment.GetEnvironmentVariable);
        // The errors name the check, the field and the line; not the file, which the action and the task write to a
        // private temporary path the user never chose (the CLI's user named it in --verify).
        return parsed.Succeeded ? new VerifyDocument(parsed.Spec, []) : new VerifyDocument(null, [.. parsed.Errors.Select(e => e.ToString())]);
    }
}

/// <summary>A request's verify document: its spec, or the errors that keep it from one (neither: no document).</summary>
internal sealed record VerifyDocument(VerifySpec? Spec, IReadOnlyList<string> Errors)
{
    public static VerifyDocument None { get; } = new(null, []);

    /// <summary>The values of the bearer-token variables the document names; none when it does not parse.</summary>
    public IEnumerable<string> Secrets => Spec is { } spec ? VerificationProbes.Secrets(spec) : [];
}
