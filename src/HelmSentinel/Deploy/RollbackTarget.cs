namespace HelmSentinel.Deploy;

/// <summary>
/// What a rollback by hand (<c>helm-sentinel rollback</c>, the action's and the task's rollback command) returns the
/// release to: a revision the user chose, or the last good one.
/// </summary>
/// <param name="Revision">The revision to return to; null = the last good one: the newest revision before the current one
/// that Helm deployed to the end (status <c>deployed</c> or <c>superseded</c>).</param>
/// <param name="AllowFailedTarget">Accept a target whose status is <c>failed</c> (refused otherwise: its content never
/// became Ready, or was never applied whole).</param>
public sealed record RollbackTarget(int? Revision = null, bool AllowFailedTarget = false)
{
    /// <summary>The target in words: <c>revision 4</c> or <c>the last good revision</c>.</summary>
    public override string ToString() => Revision is { } revision ? $"revision {revision}" : "the last good revision";
}
