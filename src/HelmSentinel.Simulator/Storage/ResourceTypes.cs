namespace HelmSentinel.Simulator.Storage;

/// <summary>The built-in resource types the simulator stores and serves (the types CustomResourceDefinitions add are in
/// each store's <see cref="TypeCatalogue"/>).</summary>
public static class ResourceTypes
{
    /// <summary>Core <c>v1</c> Namespaces (cluster-scoped).</summary>
    public static ResourceType Namespaces { get; } = Core("namespaces", "Namespace", false, "ns");

    /// <summary>Core <c>v1</c> Pods.</summary>
    public static ResourceType Pods { get; } = Core("pods", "Pod", true, "po");

    /// <summary>Core <c>v1</c> Secrets.</summary>
    public static ResourceType Secrets { get; } = Core("secrets", "Secret", true);

    /// <summary>Core <c>v1</c> ConfigMaps.</summary>
    public static ResourceType ConfigMaps { get; } = Core("configmaps", "ConfigMap", true, "cm");

    /// <summary>Core <c>v1</c> Services.</summary>
    public static ResourceType Services { get; } = Core("services", "Service", true, "svc");

    /// <summary>Core <c>v1</c> ServiceAccounts.</summary>
    public static ResourceType ServiceAccounts { get; } = Core("serviceaccounts", "ServiceAccount", true, "sa");

    /// <summary>Core <c>v1</c> Events.</summary>
    public static ResourceType Events { get; } = Core("events", "Event", true, "ev");

    /// <summary>Core <c>v1</c> PersistentVolumeClaims.</summary>
    public static ResourceType PersistentVolumeClaims { get; } = Core("persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc");

    /// <summary>Core <c>v1</c> Nodes (cluster-scoped).</summary>
    public static ResourceType Nodes { get; } = Core("nodes", "Node", false, "no");

    /// <summary><c>apps/v1</c> Deployments.</summary>
    public static ResourceType Deployments { get; } = new("apps", "v1", "deployments", "Deployment", true, ["deploy"]);

    /// <summary><c>apps/v1</c> ReplicaSets.</summary>
    public static ResourceType ReplicaSets { get; } = new("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"]);

    /// <summary><c>apps/v1</c> StatefulSets.</summary>
    public static ResourceType StatefulSets { get; } = new("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"]);

    /// <summary><c>apps/v1</c> DaemonSets.</summary>
    public static ResourceType DaemonSets { get; } = new("apps", "v1", "daemonsets", "DaemonSet", true, ["ds"]);

    /// <summary><c>batch/v1</c> Jobs.</summary>
    public static ResourceType Jobs { get; } = new("batch", "v1", "jobs", "Job", true, []);

    /// <summary><c>apiextensions.k8s.io/v1</c> CustomResourceDefinitions (cluster-scoped).</summary>
    public static ResourceType CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"]);

    /// <summary>Every built-in type, in discovery order.</summary>
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Pods, Secrets, ConfigMaps, Services, ServiceAccounts, Events, PersistentVolumeClaims, Nodes,
        Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CustomResourceDefinitions,
    ];

    /// <summary>The type served at <c>/apis/GROUP/VERSION/RESOURCE</c>, or null.</summary>
    public static ResourceType? Find(string group, string version, string resource) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Resource == resource);

    /// <summary>The type of objects with this <c>apiVersion</c> and <c>kind</c>, or null.</summary>
    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    /// <summary>The types in the group-version (<c>v1</c>, <c>apps/v1</c>).</summary>
    internal static IReadOnlyList<ResourceType> InGroupVersion(string groupVersion) =>
        All.Where(t => t.ApiVersion == groupVersion).ToList();

    /// <summary>Types that belong to kubectl's <c>all</c> category.</summary>
    internal static bool InCategoryAll(ResourceType type) =>
        type.Categories.Contains("all") || type == Pods || type == Services || type == Deployments || type == ReplicaSets ||
        type == StatefulSets || type == DaemonSets || type == Jobs;

    /// <summary>Subresources served for the type (<c>status</c>, <c>scale</c>, <c>log</c>, <c>proxy</c>).</summary>
    internal static IReadOnlyList<string> Subresources(ResourceType type)
    {
        if (type.IsCustom)
        {
            return type.StatusSubresource ? ["status"] : [];
        }

        if (type == Pods)
        {
            return ["status", "log", "proxy"];
        }

        if (type == Services)
        {
            return ["status", "proxy"];
        }

        if (type == Deployments || type == ReplicaSets || type == StatefulSets)
        {
            return ["status", "scale"];
        }

        return HasStatus(type) ? ["status"] : [];
    }

    /// <summary>Whether the type has a <c>status</c> subresource (PUT on the main resource keeps status).</summary>
    internal static bool HasStatus(ResourceType type) =>
        type.IsCustom ? type.StatusSubresource : type != Secrets && type != ConfigMaps && type != ServiceAccounts && type != Events;

    private static ResourceType Core(string resource, string kind, bool namespaced, params string[] shortNames) =>
        new(string.Empty, "v1", resource, kind, namespaced, shortNames);
}
