using System.Text.RegularExpressions;

namespace HelmSentinel.Helm;

/// <summary>One test hook <c>helm test</c> ran, as it printed it (<c>TEST SUITE:</c> and <c>Phase:</c>).</summary>
/// <param name="Name">The hook's name.</param>
/// <param name="Phase"><c>Succeeded</c>, <c>Failed</c>, <c>Running</c> or <c>Unknown</c>.</param>
public sealed record HelmTestSuite(string Name, string Phase);

/// <summary>What <c>helm test</c> said: whether the tests passed, which ran, and which failed and how.</summary>
/// <param name="Passed">True when helm exited 0.</param>
/// <param name="Suites">The test hooks that ran, in order (Helm stops at the first that fails).</param>
/// <param name="FailedHook">The hook that failed (from the error, else the suite whose phase is not Succeeded); null when passed or unknown.</param>
/// <param name="Error">Helm's error text, unmasked (mask it before it reaches a log); null when passed.</param>
public sealed partial record HelmTestResult(bool Passed, IReadOnlyList<HelmTestSuite> Suites, string? FailedHook, string? Error)
{
    /// <summary>Reads helm test's output, from either major: Helm 3 says <c>pod NAME failed</c> or
    /// <c>job NAME failed: REASON</c>; Helm 4 says <c>resource Pod/NS/NAME not ready. status: Failed, message: …</c>.</summary>
    /// <param name="result">The finished run.</param>
    public static HelmTestResult Parse(HelmProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var suites = new List<HelmTestSuite>();
        string? name = null;
        foreach (var raw in result.StandardOutput.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("TEST SUITE:", StringComparison.Ordinal))
            {
                name = line["TEST SUITE:".Length..].Trim();
            }
            else if (line.StartsWith("Phase:", StringComparison.Ordinal) && name is not null)
            {
                suites.Add(new HelmTestSuite(name, line["Phase:".Length..].Trim()));
                name = null;
            }
        }

        if (result.Succeeded)
        {
            return new HelmTestResult(true, suites, null, null);
        }

        var error = result.ErrorText;
        var failed = Helm4Failure().Match(error) is { Success: true } v4 ? v4.Groups["name"].Value
            : Helm3Failure().Match(error) is { Success: true } v3 ? v3.Groups["name"].Value
            : suites.LastOrDefault(s => s.Phase != "Succeeded")?.Name;
        return new HelmTestResult(false, suites, failed, error);
    }

    [GeneratedRegex(@"resource (?:Pod|Job)/[^/\s]+/(?<name>[^\s/]+) not ready")]
    private static partial Regex Helm4Failure();

    [GeneratedRegex(@"\b(?:pod|job) (?<name>[a-z0-9][a-z0-9.-]*) failed")]
    private static partial Regex Helm3Failure();
}
