namespace HelmSentinel.Helm;

/// <summary>What a helm run returned.</summary>
/// <param name="ExitCode">The process exit code (helm uses 0 and 1 only).</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
/// <param name="Duration">Wall time of the run.</param>
/// <param name="Cancelled">True when the run was interrupted by cancellation rather than ending by itself.</param>
public sealed record HelmProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration, bool Cancelled = false)
{
    /// <summary>True when helm exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The error text helm printed, without its <c>Error: </c> prefix and without warnings.</summary>
    public string ErrorText
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var start = Array.FindIndex(lines, l => l.StartsWith("Error: ", StringComparison.Ordinal));
            if (start < 0)
            {
                return StandardError.Trim();
            }

            lines[start] = lines[start]["Error: ".Length..];
            return string.Join('\n', lines[start..]);
        }
    }
}
