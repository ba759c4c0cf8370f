namespace HelmSentinel.GitOps;

/// <summary>
/// The health of a GitOps application or of one of its resources, in Argo CD's words (Flux's conditions are mapped onto
/// them). Declared from best to worst as Argo CD orders them, so that the worst of several is their maximum.
/// </summary>
public enum AppHealth
{
    /// <summary>Every resource is healthy.</summary>
    Healthy,

    /// <summary>Paused or waiting on purpose (a suspended CronJob, a paused rollout).</summary>
    Suspended,

    /// <summary>Not yet healthy, still converging (a rollout under way, a crash-looping Deployment before its progress deadline).</summary>
    Progressing,

    /// <summary>A resource the application declares does not exist in the cluster.</summary>
    Missing,

    /// <summary>Failed: a Deployment past its progress deadline, a crash-looping pod, a failed HelmRelease.</summary>
    Degraded,

    /// <summary>Health cannot be assessed (not reported yet, or an unknown word).</summary>
    Unknown,
}

/// <summary>Reads the health words of Argo CD (and of anything that uses them) into <see cref="AppHealth"/>.</summary>
public static class AppHealths
{
    /// <summary>The health a word names; <see cref="AppHealth.Unknown"/> for null, empty or an unknown word.</summary>
    /// <param name="word">E.g. <c>Healthy</c>, <c>Degraded</c>, as the API spells it.</param>
    public static AppHealth Parse(string? word) => word switch
    {
        "Healthy" => AppHealth.Healthy,
        "Suspended" => AppHealth.Suspended,
        "Progressing" => AppHealth.Progressing,
        "Missing" => AppHealth.Missing,
        "Degraded" => AppHealth.Degraded,
        _ => AppHealth.Unknown,
    };
}
