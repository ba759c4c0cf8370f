using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.GitOps;

/// <summary>What to watch after a merge, and what to do when it degrades: one GitOps watch, parsed once from the inputs
/// (<see cref="GitOpsInputs"/>).</summary>
public sealed record GitOpsRequest
{
    /// <summary>The merged commit (a full or abbreviated SHA).</summary>
    public required string Revision { get; init; }

    /// <summary>The application to watch.</summary>
    public required GitOpsTarget Target { get; init; }

    /// <summary>The checkout of the GitOps repository (the revert is made there).</summary>
    public string RepoDir { get; init; } = ".";

    /// <summary>How long the application must stay healthy at the revision.</summary>
    public TimeSpan Bake { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the whole watch may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the application may stay Progressing after the sync before that counts as failed.</summary>
    public TimeSpan ProgressingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The cluster the application deploys to, when given: while the application is not yet healthy at the
    /// revision, its workloads' pods get the deploy engine's fail-fast rules, which decide in seconds where Argo CD keeps a
    /// crash-looping Deployment Progressing until its progress deadline.</summary>
    public KubeAccess? Destination { get; init; }

    /// <summary>What to do in Git when the revision fails.</summary>
    public RevertMode Revert { get; init; } = RevertMode.PullRequest;

    /// <summary>The prefix of the revert branch; the short SHA follows it.</summary>
    public string RevertBranchPrefix { get; init; } = "helm-sentinel/revert-";

    /// <summary>Also ask Argo CD to roll back to the last healthy history entry (only for an application without automated sync).</summary>
    public bool ArgoCdRollback { get; init; }

    /// <summary>How often the Argo CD REST API is read.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Values masked in every output (the token is added by the entry point).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The times the watch is judged by.</summary>
    public GitOpsTimes Times => new(Revision, Bake, Timeout, ProgressingTimeout);
}

/// <summary>The application a GitOps watch reads.</summary>
public abstract record GitOpsTarget
{
    private GitOpsTarget()
    {
    }

    /// <summary>An Argo CD Application through Argo CD's REST API.</summary>
    /// <param name="Server">The Argo CD server, e.g. <c>https://argocd.example.com</c>.</param>
    /// <param name="TokenVariable">The environment variable that holds the token (named in errors; its value never is).</param>
    /// <param name="App">The application's name.</param>
    /// <param name="AppNamespace">Its namespace, when apps live outside Argo CD's own.</param>
    public sealed record ArgoCdRest(Uri Server, string TokenVariable, string App, string? AppNamespace) : GitOpsTarget
    {
        /// <summary>The token (read by the entry point from <see cref="TokenVariable"/>).</summary>
        public string Token { get; init; } = "";

        /// <inheritdoc/>
        public override string ToString() => $"Argo CD application {(AppNamespace is null ? "" : AppNamespace + "/")}{App} ({Server.GetLeftPart(UriPartial.Authority)})";
    }

    /// <summary>An Argo CD Application object through the Kubernetes API of the cluster that runs Argo CD.</summary>
    /// <param name="Kube">The cluster.</param>
    /// <param name="Namespace">The Application's namespace.</param>
    /// <param name="Name">Its name.</param>
    public sealed record ArgoCdKube(KubeAccess Kube, string Namespace, string Name) : GitOpsTarget
    {
        /// <inheritdoc/>
        public override string ToString() => $"Argo CD Application {Namespace}/{Name}";
    }

    /// <summary>A Flux Kustomization (and the HelmReleases it applies) through the Kubernetes API.</summary>
    /// <param name="Kube">The cluster.</param>
    /// <param name="Kustomization">The Kustomization, <c>namespace/name</c>.</param>
    /// <param name="HelmReleases">The HelmReleases, each <c>namespace/name</c>.</param>
    public sealed record Flux(KubeAccess Kube, NamespacedName Kustomization, IReadOnlyList<NamespacedName> HelmReleases) : GitOpsTarget
    {
        /// <inheritdoc/>
        public override string ToString() => $"Flux Kustomization {Kustomization}" +
            (HelmReleases.Count == 0 ? "" : $" with HelmRelease {string.Join(", ", HelmReleases)}");
    }
}

/// <summary>A kubeconfig and context.</summary>
/// <param name="Kubeconfig">The kubeconfig file; null for the default (KUBECONFIG or ~/.kube/config).</param>
/// <param name="Context">The context; null for the kubeconfig's current one.</param>
public sealed record KubeAccess(string? Kubeconfig, string? Context);

/// <summary>An object's <c>namespace/name</c>.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
public sealed record NamespacedName(string Namespace, string Name)
{
    /// <summary><c>namespace/name</c>.</summary>
    public override string ToString() => $"{Namespace}/{Name}";
}
