namespace HelmSentinel.Drift;

/// <summary>One ConfigMap or Secret the release's pod templates refer to, as the deploy found it when it started.</summary>
/// <param name="Kind"><c>ConfigMap</c> or <c>Secret</c>.</param>
/// <param name="Namespace">Its namespace (the pods').</param>
/// <param name="Name">Its name.</param>
/// <param name="Class">Who it belongs to.</param>
/// <param name="Owner">For <see cref="ConfigClass.OtherRelease"/> the release; for <see cref="ConfigClass.Unmanaged"/> its owner
/// reference (<c>ExternalSecret/db</c>) or field manager; for <see cref="ConfigClass.Unreadable"/> why; else null.</param>
/// <param name="Fingerprint">What it held; null when it is in the release, missing or unreadable.</param>
/// <param name="Optional">True when every reference to it is <c>optional: true</c> (or an image pull secret): pods start without it.</param>
/// <param name="ReferencedBy">Where it is referred to: <c>Deployment/web containers[name=web].envFrom</c>, …</param>
public sealed record ExternalConfigObject(
    string Kind, string Namespace, string Name, ConfigClass Class, string? Owner, ConfigFingerprint? Fingerprint, bool Optional, IReadOnlyList<string> ReferencedBy)
{
    /// <summary>True unless the chart renders it: a rollback leaves it as it is.</summary>
    public bool NotReverted => Class is not ConfigClass.InRelease;

    /// <summary><c>ConfigMap/shared-config</c>.</summary>
    public string Display => $"{Kind}/{Name}";

    /// <summary>The class as a report says it: <c>owned by release X</c>, <c>unmanaged (ExternalSecret/db)</c>, <c>missing (optional)</c>.</summary>
    public string ClassText => Class switch
    {
        ConfigClass.InRelease => "in this release",
        ConfigClass.OtherRelease => "owned by " + (Owner ?? "another release"),
        ConfigClass.Unmanaged => Owner is null ? "unmanaged" : $"unmanaged ({Owner})",
        ConfigClass.Missing => Optional ? "missing (optional)" : "missing",
        _ => Owner is null ? "unreadable" : $"unreadable ({Owner})",
    };
}
