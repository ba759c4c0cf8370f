namespace HelmSentinel.Kubernetes;

/// <summary>What happened to one hook, in words for the report.</summary>
/// <param name="Hook">The hook.</param>
/// <param name="Action">What was done.</param>
/// <param name="Reason">One masked sentence, e.g. "deleted Job/shop-migrate: the pre-upgrade hook of the failed revision 4
/// was still running (0/1 succeeded); its pods go with it".</param>
public sealed record HookCleanupEntry(HookResource Hook, HookCleanupAction Action, string Reason);
