namespace HelmSentinel;

/// <summary>
/// Where a deploy's live log goes: the engine's steps and helm's echoed output. Each entry point implements it in
/// its platform's syntax (plain lines, GitHub <c>::group::</c> and <c>::error::</c>, Azure <c>##[group]</c> and <c>task.logissue</c>); text arrives already masked.
/// </summary>
public interface IDeployLog
{
    /// <summary>An ordinary line.</summary>
    void Info(string message);

    /// <summary>Something worth a person's attention that does not fail the deploy.</summary>
    void Warning(string message);

    /// <summary>Something that fails the deploy, e.g. an input that cannot be used; the platform shows it as an error.</summary>
    void Error(string message);

    /// <summary>Starts a collapsible section; disposing the result ends it.</summary>
    IDisposable Group(string title);
}
