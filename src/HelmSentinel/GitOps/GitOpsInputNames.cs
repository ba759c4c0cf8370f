namespace HelmSentinel.GitOps;

/// <summary>The names of the GitOps watch's inputs, as the CLI flags, the action's and the task's inputs spell them.</summary>
public static class GitOpsInputNames
{
    /// <summary>The merged commit.</summary>
    public const string Revision = "revision";

    /// <summary>The GitOps repository's checkout.</summary>
    public const string Repo = "repo";

    /// <summary>How long the application must stay healthy.</summary>
    public const string Bake = "bake";

    /// <summary>How long the watch may take.</summary>
    public const string Timeout = "timeout";

    /// <summary>How long Progressing may last after the sync.</summary>
    public const string ProgressingTimeout = "progressing-timeout";

    /// <summary>The Argo CD server URL.</summary>
    public const string ArgoCdServer = "argocd-server";

    /// <summary>The environment variable that holds the Argo CD token.</summary>
    public const string ArgoCdTokenEnv = "argocd-token-env";

    /// <summary>The Argo CD application (with the REST API).</summary>
    public const string App = "app";

    /// <summary>The Argo CD application's namespace (with the REST API).</summary>
    public const string AppNamespace = "app-namespace";

    /// <summary>The Argo CD Application object, <c>namespace/name</c> (with the Kubernetes API).</summary>
    public const string ArgoCdApplication = "argocd-application";

    /// <summary>The Flux Kustomization, <c>namespace/name</c>.</summary>
    public const string FluxKustomization = "flux-kustomization";

    /// <summary>A Flux HelmRelease it applies, <c>namespace/name</c> (repeatable).</summary>
    public const string FluxHelmRelease = "flux-helmrelease";

    /// <summary>The kubeconfig of the cluster that runs Argo CD or Flux.</summary>
    public const string Kubeconfig = "kubeconfig";

    /// <summary>Its context.</summary>
    public const string KubeContext = "kube-context";

    /// <summary>The kubeconfig of the cluster the application deploys to: its workloads get the fail-fast rules.</summary>
    public const string DestinationKubeconfig = "destination-kubeconfig";

    /// <summary>Its context.</summary>
    public const string DestinationContext = "destination-context";

    /// <summary>What to do in Git on failure: pr, push or none.</summary>
    public const string Revert = "revert";

    /// <summary>The prefix of the revert branch.</summary>
    public const string RevertBranchPrefix = "revert-branch-prefix";

    /// <summary>Also roll back through Argo CD.</summary>
    public const string OnFailureArgoCdRollback = "on-failure-argocd-rollback";

    /// <summary>How often the Argo CD REST API is read.</summary>
    public const string PollInterval = "poll-interval";

    /// <summary>Values to mask.</summary>
    public const string Secrets = "secrets";

    /// <summary>The environment variable read for the Argo CD token when none is named (the argocd CLI's own).</summary>
    public const string DefaultTokenVariable = "ARGOCD_AUTH_TOKEN";

    /// <summary>Every input name.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Revision, Repo, Bake, Timeout, ProgressingTimeout, ArgoCdServer, ArgoCdTokenEnv, App, AppNamespace, ArgoCdApplication,
        FluxKustomization, FluxHelmRelease, Kubeconfig, KubeContext, DestinationKubeconfig, DestinationContext, Revert, RevertBranchPrefix, OnFailureArgoCdRollback,
        PollInterval, Secrets,
    ];
}
