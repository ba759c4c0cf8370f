namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>The engine's live log in the agent's syntax: plain lines (defused, so helm or a chart cannot issue
/// commands), warnings and errors as <c>task.logissue type=warning</c> and <c>type=error</c>, groups as <c>##[group]</c>/<c>##[endgroup]</c>.</summary>
public sealed class AzureDeployLog(TextWriter writer) : IDeployLog
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public void Info(string message)
    {
        lock (_gate)
        {
            foreach (var line in AzureCommands.PlainLines(message))
            {
                writer.WriteLine(line);
            }
        }
    }

    /// <inheritdoc />
    public void Warning(string message) => Write(AzureCommands.Warning(message));

    /// <inheritdoc />
    public void Error(string message) => Write(AzureCommands.Error(message));

    /// <inheritdoc />
    public IDisposable Group(string title)
    {
        Write(AzureCommands.Group(title));
        return new EndGroup(this);
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }

    private sealed class EndGroup(AzureDeployLog log) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                log.Write(AzureCommands.EndGroup());
            }
        }
    }
}
