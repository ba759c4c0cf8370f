namespace HelmSentinel;

/// <summary>
/// Where a deploy's live log goes: the engine's steps and helm's echoed output. Each entry point implements it in
/// its platform's syntax (plain lines, GitHub <c>::group::</c>, Azure <c>##[group]</c>); text arrives already masked.
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
