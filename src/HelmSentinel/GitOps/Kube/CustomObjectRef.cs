namespace HelmSentinel.GitOps.Kube;

/// <summary>One named custom object: where it is served and what it is called.</summary>
/// <param name="Group">Its API group, e.g. <c>kustomize.toolkit.fluxcd.io</c>.</param>
/// <param name="Version">Its API version, e.g. <c>v1</c>.</param>
/// <param name="Plural">Its resource, e.g. <c>kustomizations</c>.</param>
/// <param name="Kind">Its kind, for messages, e.g. <c>Kustomization</c>.</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
public sealed record CustomObjectRef(string Group, string Version, string Plural, string Kind, string Namespace, string Name)
{
    /// <summary>A Flux Kustomization (<c>kustomize.toolkit.fluxcd.io/v1</c>).</summary>
    public static CustomObjectRef FluxKustomization(string ns, string name) => new("kustomize.toolkit.fluxcd.io", "v1", "kustomizations", "Kustomization", ns, name);

    /// <summary>A Flux HelmRelease (<c>helm.toolkit.fluxcd.io/v2</c>).</summary>
    public static CustomObjectRef FluxHelmRelease(string ns, string name) => new("helm.toolkit.fluxcd.io", "v2", "helmreleases", "HelmRelease", ns, name);

    /// <summary>An Argo CD Application (<c>argoproj.io/v1alpha1</c>).</summary>
    public static CustomObjectRef ArgoCdApplication(string ns, string name) => new("argoproj.io", "v1alpha1", "applications", "Application", ns, name);

    /// <summary><c>Kind NS/NAME</c>, e.g. <c>Kustomization apps/site</c>.</summary>
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}
