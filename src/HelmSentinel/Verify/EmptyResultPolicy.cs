namespace HelmSentinel.Verify;

/// <summary>What a Prometheus sample that has no value means (<c>onEmpty: fail | pass | inconclusive</c>): an empty
/// vector, or NaN (a rate over no requests is <c>0 / 0</c>). Argo Rollouts' known trap is to count it as a success.</summary>
public enum EmptyResultPolicy
{
    /// <summary>The sample is inconclusive (the default): neither a failure nor a success.</summary>
    Inconclusive,

    /// <summary>The sample is a failure.</summary>
    Fail,

    /// <summary>The sample is a success.</summary>
    Pass,
}
