namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// The engine's live log in a GitHub Actions step: groups as <c>::group::</c> sections (GitHub does not nest
/// them, so an inner group is a plain heading), warnings and errors as annotations. A line of helm's output that would
/// read as a workflow command (<c>::…</c>, e.g. from a chart's NOTES) is defused with a zero-width space.
/// </summary>
public sealed class GitHubDeployLog(TextWriter writer) : IDeployLog
{
    private readonly TextWriter _writer = writer;
    private int _depth;

    /// <inheritdoc />
    public void Info(string message)
    {
        foreach (var line in (message ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            _writer.WriteLine(Defuse(line));
        }
    }

    /// <inheritdoc />
    public void Warning(string message) => _writer.WriteLine(WorkflowCommands.Warning(message ?? string.Empty));

    /// <inheritdoc />
    public void Error(string message) => _writer.WriteLine(WorkflowCommands.Error(message ?? string.Empty));

    /// <inheritdoc />
    public IDisposable Group(string title)
    {
        if (_depth++ > 0)
        {
            _writer.WriteLine("== " + Defuse(title));
            return new Scope(this, closes: false);
        }

        _writer.WriteLine(WorkflowCommands.Group(title));
        return new Scope(this, closes: true);
    }

    /// <summary>The line with a zero-width space after its first colon when it starts like a workflow command.</summary>
    public static string Defuse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("::", StringComparison.Ordinal)
            ? string.Concat(line.AsSpan(0, line.Length - trimmed.Length), ":\u200B", trimmed.AsSpan(1))
            : line;
    }

    private sealed class Scope(GitHubDeployLog log, bool closes) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            log._depth--;
            if (closes)
            {
                log._writer.WriteLine(WorkflowCommands.EndGroup());
            }
        }
    }
}
