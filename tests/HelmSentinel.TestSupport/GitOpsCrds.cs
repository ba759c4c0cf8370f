namespace HelmSentinel.TestSupport;

/// <summary>
/// Minimal CustomResourceDefinitions of the GitOps objects (Flux's Kustomization and HelmRelease, Argo CD's Application):
/// their real names, groups, versions, scope, status subresource and a few printer columns; the schemas only preserve
/// unknown fields. Create them in a simulator, then create the objects and patch their status as the controllers would.
/// </summary>
public static class GitOpsCrds
{
    /// <summary><c>kustomizations.kustomize.toolkit.fluxcd.io</c>, served at <c>v1</c>.</summary>
    public static string FluxKustomization { get; } = Crd("kustomize.toolkit.fluxcd.io", "v1", "kustomizations", "Kustomization", ["ks"]);

    /// <summary><c>helmreleases.helm.toolkit.fluxcd.io</c>, served at <c>v2</c>.</summary>
    public static string FluxHelmRelease { get; } = Crd("helm.toolkit.fluxcd.io", "v2", "helmreleases", "HelmRelease", ["hr"]);

    /// <summary><c>applications.argoproj.io</c>, served at <c>v1alpha1</c> (Argo CD's has no status subresource: its
    /// controller writes the whole object).</summary>
    public static string ArgoCdApplication { get; } = Crd("argoproj.io", "v1alpha1", "applications", "Application", ["app", "apps"], status: false,
        columns: [("Sync Status", ".status.sync.status"), ("Health Status", ".status.health.status")]);

    /// <summary>All three, as one multi-document YAML (for <c>kubectl apply -f</c>).</summary>
    public static string All => string.Join("---\n", FluxKustomization, FluxHelmRelease, ArgoCdApplication);

    private static string Crd(string group, string version, string plural, string kind, string[] shortNames, bool status = true, (string Name, string Path)[]? columns = null)
    {
        columns ??= [("Ready", ".status.conditions[?(@.type==\"Ready\")].status"), ("Status", ".status.conditions[?(@.type==\"Ready\")].message")];
        var lines = new List<string>
        {
            "apiVersion: apiextensions.k8s.io/v1",
            "kind: CustomResourceDefinition",
            "metadata:",
            $"  name: {plural}.{group}",
            "spec:",
            $"  group: {group}",
            "  names:",
            $"    kind: {kind}",
            $"    listKind: {kind}List",
            $"    plural: {plural}",
            $"    singular: {kind.ToLowerInvariant()}",
            $"    shortNames: [{string.Join(", ", shortNames)}]",
            "  scope: Namespaced",
            "  versions:",
            $"  - name: {version}",
            "    served: true",
            "    storage: true",
            "    schema:",
            "      openAPIV3Schema:",
            "        type: object",
            "        x-kubernetes-preserve-unknown-fields: true",
        };
        if (status)
        {
            lines.AddRange(["    subresources:", "      status: {}"]);
        }

        lines.Add("    additionalPrinterColumns:");
        foreach (var (name, path) in columns)
        {
            lines.AddRange([$"    - name: {name}", "      type: string", $"      jsonPath: '{path}'"]);
        }

        lines.AddRange(["    - name: Age", "      type: date", "      jsonPath: .metadata.creationTimestamp"]);
        return string.Join('\n', lines) + "\n";
    }
}
