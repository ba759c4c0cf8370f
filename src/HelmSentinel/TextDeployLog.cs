namespace HelmSentinel;

/// <summary>A log that writes plain lines to a <see cref="TextWriter"/>; warnings and errors are prefixed, groups become headings.</summary>
public sealed class TextDeployLog(TextWriter writer) : IDeployLog
{
    /// <inheritdoc />
    public void Info(string message) => writer.WriteLine(message);

    /// <inheritdoc />
    public void Warning(string message) => writer.WriteLine("warning: " + message);

    /// <inheritdoc />
    public void Error(string message) => writer.WriteLine("error: " + message);

    /// <inheritdoc />
    public IDisposable Group(string title)
    {
        writer.WriteLine("== " + title);
        return NoopScope.Instance;
    }

    private sealed class NoopScope : IDisposable
    {
        public static readonly NoopScope Instance = new();

        public void Dispose()
        {
        }
    }
}
