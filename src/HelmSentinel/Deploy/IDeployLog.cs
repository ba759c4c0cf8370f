namespace HelmSentinel.Deploy;

/// <summary>
/// Where the engine's live log goes. Each entry point implements it in its platform's syntax
/// (plain console, GitHub <c>::group::</c>, Azure <c>##[group]</c>); text arrives already masked.
/// </summary>
public interface IDeployLog
{
    /// <summary>An ordinary line.</summary>
    void Info(string message);

    /// <summary>Something worth a person's attention that does not fail the deploy.</summary>
    void Warning(string message);

    /// <summary>Starts a collapsible section; disposing the result ends it.</summary>
    IDisposable Group(string title);
}

/// <summary>A log that writes plain lines to a <see cref="TextWriter"/>; groups become headings.</summary>
public sealed class TextDeployLog(TextWriter writer) : IDeployLog
{
    /// <inheritdoc />
    public void Info(string message) => writer.WriteLine(message);

    /// <inheritdoc />
    public void Warning(string message) => writer.WriteLine("warning: " + message);

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
