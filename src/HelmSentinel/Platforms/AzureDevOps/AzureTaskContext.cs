using System.Globalization;
using HelmSentinel.Deploy;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// Everything the Azure Pipelines task was given, parsed once from the environment the agent builds
/// (<c>INPUT_*</c>, <c>ENDPOINT_*</c>, predefined variables). Pure: the entry point passes the environment in.
/// Problems do not throw: they are in <see cref="Errors"/>, and the rest is filled as far as it can be, so
/// the rejection can still be reported (and secrets masked).
/// </summary>
public sealed record AzureTaskContext
{
    /// <summary>Task input name (camelCase, task.json) → the core's input name (kebab-case, <see cref="DeployInputs"/>).</summary>
    public static IReadOnlyDictionary<string, string> InputNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["release"] = "release",
        ["chart"] = "chart",
        ["namespace"] = "namespace",
        ["valueFiles"] = "values",
        ["overrides"] = "set",
        ["overridesString"] = "set-string",
        ["chartVersion"] = "version",
        ["timeout"] = "timeout",
        ["historyMax"] = "history-max",
        ["waitStrategy"] = "wait",
        ["failFast"] = "fail-fast",
        ["forceRollbackPods"] = "force-rollback-pods",
        ["verifyRollback"] = "verify-rollback",
        ["preflight"] = "preflight",
        ["revision"] = "revision",
        ["allowFailedTarget"] = "allow-failed-target",
        ["migrations"] = "migrations",
        ["migrationsDialect"] = "migrations-dialect",
        ["destructiveMigrations"] = "destructive-migrations",
        ["migrationHooks"] = "migration-hooks",
        ["onFailureAfterMigration"] = "on-failure-after-migration",
        ["restartThreshold"] = "restart-threshold",
        ["createNamespace"] = "create-namespace",
        ["recoverStaleLock"] = "recover-stale-lock",
        ["kubeContext"] = "kube-context",
        ["helmPath"] = "helm",
        ["description"] = "description",
        ["extraArgs"] = "extra-args",
    };

    /// <summary>Task input name (camelCase) → the GitOps watch's input name (<see cref="GitOpsInputNames"/>), for
    /// <c>command: gitops</c>; <c>revision</c>, <c>timeout</c> and <c>kubeContext</c> are shared with the deploy's.</summary>
    public static IReadOnlyDictionary<string, string> GitOpsNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["revision"] = GitOpsInputNames.Revision,
        ["timeout"] = GitOpsInputNames.Timeout,
        ["kubeContext"] = GitOpsInputNames.KubeContext,
        ["argocdServer"] = GitOpsInputNames.ArgoCdServer,
        ["app"] = GitOpsInputNames.App,
        ["appNamespace"] = GitOpsInputNames.AppNamespace,
        ["argocdApplication"] = GitOpsInputNames.ArgoCdApplication,
        ["fluxKustomization"] = GitOpsInputNames.FluxKustomization,
        ["fluxHelmRelease"] = GitOpsInputNames.FluxHelmRelease,
        ["bake"] = GitOpsInputNames.Bake,
        ["progressingTimeout"] = GitOpsInputNames.ProgressingTimeout,
        ["revert"] = GitOpsInputNames.Revert,
        ["revertBranchPrefix"] = GitOpsInputNames.RevertBranchPrefix,
        ["onFailureArgocdRollback"] = GitOpsInputNames.OnFailureArgoCdRollback,
        ["repo"] = GitOpsInputNames.Repo,
        ["pollInterval"] = GitOpsInputNames.PollInterval,
    };

    /// <summary>The agent's variable that holds the <c>argocdToken</c> input, which the GitOps watch reads its token from.</summary>
    public const string ArgoCdTokenVariable = "INPUT_ARGOCDTOKEN";

    /// <summary><c>command: gitops</c>: the watch's inputs (kebab-case, <see cref="GitOpsInputs.Parse"/>), with the revision
    /// defaulted to the build's commit and the repository to its sources folder; without the kubeconfig path.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GitOpsInputs { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary><c>destinationConnection</c> (command gitops): the cluster the application deploys to, whose pods then get
    /// the fail-fast rules; null when not given.</summary>
    public ClusterAccess? Destination { get; init; }

    /// <summary>The <c>argocdToken</c> input; null when not given.</summary>
    public string? ArgoCdToken { get; init; }

    /// <summary>The build's repository on Azure Repos, for a revert pull request; null when it is not there.</summary>
    public AzureReposRepository? Repository { get; init; }

    /// <summary>The build's repository on GitHub (<c>owner/name</c>, the token and API URL), for a revert pull request; null when it is not there.</summary>
    public (string Owner, string Name, string? Token, Uri ApiUrl)? GitHubRepository { get; init; }

    /// <summary>A link to this pipeline run, when the agent says where it is.</summary>
    public Uri? BuildUrl { get; init; }

    /// <summary>Inputs for <see cref="DeployInputs.Parse"/> (kebab-case), without the kubeconfig and verify paths.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> DeployInputs { get; init; }

    /// <summary>The cluster as given by a service connection or kubeconfig content; null with <c>connectionType: none</c>.</summary>
    public ClusterAccess? Cluster { get; init; }

    /// <summary><c>verify</c>: the verify document as YAML text, or null (absent or blank) for no verification.</summary>
    public string? VerifyContent { get; init; }

    /// <summary>Every secret value to mask (and to register with the agent, line by line, before anything prints): the
    /// connection's credentials, the job token, <c>githubToken</c>, the secret pipeline variables, and the values that
    /// <c>overrides</c> and <c>overridesString</c> pass under keys that look secret (<see cref="Deploy.DeployInputs.UndeclaredSecrets"/>).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The Azure Repos pull request of this run; null when the run is not a PR build on Azure Repos.</summary>
    public AzurePullRequest? AzureRepos { get; init; }

    /// <summary>The GitHub pull request of this run; null when the repository is not on GitHub or it is no PR build.</summary>
    public GitHubPullRequestTarget? GitHub { get; init; }

    /// <summary><c>commentOnPullRequest</c>: keep one thread per release and environment on the PR.</summary>
    public bool CommentOnPullRequest { get; init; } = true;

    /// <summary><c>pullRequestStatus</c>: post a PR status (genre <c>helm-sentinel</c>) pending, then succeeded or failed.</summary>
    public bool PullRequestStatus { get; init; } = true;

    /// <summary>The deployment environment (<c>Environment.Name</c> in a deployment job, else the stage); null when neither.</summary>
    public string? Environment { get; init; }

    /// <summary>Folder for the private kubeconfig, the verify document and the summary file (<c>Agent.TempDirectory</c>).</summary>
    public required string TempDirectory { get; init; }

    /// <summary>What is wrong with the inputs; empty when the task can run.</summary>
    public IReadOnlyList<InputError> Errors { get; init; } = [];

    /// <summary>What the task does: <c>deploy</c> (the default) or <c>plan</c> (the upgrade's plan and preflight; nothing changed).</summary>
    public string Command { get; init; } = "deploy";

    /// <summary>The release input, for reports of a task rejected before a request exists.</summary>
    public string? Release => DeployInputs.TryGetValue("release", out var v) ? v.FirstOrDefault() : null;

    /// <summary>The namespace input, or <c>default</c>.</summary>
    public string Namespace => DeployInputs.TryGetValue("namespace", out var v) && v.Count > 0 ? v[0] : "default";

    /// <summary>The core's inputs plus the kubeconfig file written from <see cref="Cluster"/> and the verify document's file
    /// written from <see cref="VerifyContent"/>, when there are.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DeployInputsWith(string? kubeconfigPath, string? verifyPath = null) =>
        Deploy.DeployInputs.WithFiles(DeployInputs, kubeconfigPath, verifyPath);

    /// <summary>The revision a PR build's migrations are compared with: the target branch <c>refs/heads/x</c> as the remote
    /// branch <c>origin/x</c> (the agent fetches it); null when there is no target branch.</summary>
    public static string? MigrationsBase(string? targetBranch)
    {
        var branch = targetBranch?.Trim();
        if (string.IsNullOrEmpty(branch))
        {
            return null;
        }

        const string Heads = "refs/heads/";
        return "origin/" + (branch.StartsWith(Heads, StringComparison.Ordinal) ? branch[Heads.Length..] : branch);
    }

    /// <summary>The task input name (camelCase) for a core input name, so errors name what users wrote in YAML.</summary>
    public static string TaskInputName(string coreName) =>
        InputNames.FirstOrDefault(p => p.Value == coreName).Key ?? coreName;

    /// <summary>The environment for helm: every variable in <paramref name="names"/> that carries a credential of the
    /// agent (endpoint authorisations, secret variables, the job token, the kubeconfig and GitHub token inputs) set to
    /// null, which removes it. helm needs none of them: it gets the kubeconfig as a file.</summary>
    public static IReadOnlyDictionary<string, string?> WithoutCredentials(IEnumerable<string> names) =>
        names.Where(k => k.StartsWith("ENDPOINT_AUTH_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("SECRET_", StringComparison.OrdinalIgnoreCase)
                || k.Equals("SYSTEM_ACCESSTOKEN", StringComparison.OrdinalIgnoreCase) || k.Equals("INPUT_KUBECONFIG", StringComparison.OrdinalIgnoreCase)
                || k.Equals("INPUT_GITHUBTOKEN", StringComparison.OrdinalIgnoreCase) || k.Equals(ArgoCdTokenVariable, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(k => k, _ => (string?)null, StringComparer.Ordinal);

    /// <summary>Parses the agent's environment. Variable names are matched case-insensitively.</summary>
    public static AzureTaskContext Parse(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var env = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in environment)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                env[key] = value;
            }
        }

        string? Variable(string name) => env.TryGetValue(name, out var value) ? value : null;
        string? Input(string name) => Variable("INPUT_" + name.ToUpperInvariant());
        var errors = new List<InputError>();
        var secrets = new List<string>();

        bool Flag(string name, bool fallback)
        {
            switch (Input(name)?.Trim().ToUpperInvariant())
            {
                case null:
                    return fallback;
                case "TRUE":
                    return true;
                case "FALSE":
                    return false;
                default:
                    errors.Add(new InputError(name, $"'{Input(name)}' is not a boolean; expected true or false."));
                    return fallback;
            }
        }

        var inputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (taskName, coreName) in InputNames)
        {
            if (Input(taskName) is { } value)
            {
                inputs[coreName] = [value];
            }
        }

        ClusterAccess? cluster = null;
        switch (Input("connectionType")?.Trim() ?? "kubernetesServiceConnection")
        {
            case "kubernetesServiceConnection":
                if (Input("kubernetesServiceConnection")?.Trim() is not { } id)
                {
                    errors.Add(new InputError("kubernetesServiceConnection", "is required with connectionType kubernetesServiceConnection: pick a Kubernetes service connection."));
                    break;
                }

                var (access, error) = KubernetesEndpoint.Read(id, Variable);
                cluster = access;
                if (error is not null)
                {
                    errors.Add(error);
                }

                break;
            case "kubeconfig":
                if (Input("kubeconfig") is { } content)
                {
                    cluster = new ClusterAccess(content, null, KubeconfigSecrets.Extract(content));
                }
                else
                {
                    errors.Add(new InputError("kubeconfig", "is required with connectionType kubeconfig: the kubeconfig content, from a secret variable."));
                }

                break;
            case "none":
                break;
            case var other:
                errors.Add(new InputError("connectionType", $"'{other}' is not one of kubernetesServiceConnection, kubeconfig, none."));
                break;
        }

        if (cluster is not null)
        {
            secrets.AddRange(cluster.Secrets);
            if (cluster.Context is { } clusterContext && !inputs.ContainsKey("kube-context"))
            {
                inputs["kube-context"] = [clusterContext];
            }
        }

        var accessToken = Variable("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN") ?? Variable("SYSTEM_ACCESSTOKEN");
        var githubToken = Input("githubToken")?.Trim();
        var argoCdToken = Input("argocdToken")?.Trim();
        secrets.AddRange(new[] { accessToken, githubToken, argoCdToken }.OfType<string>());

        var gitOps = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (taskName, coreName) in GitOpsNames)
        {
            if (Input(taskName) is { } value)
            {
                gitOps[coreName] = [value];
            }
        }

        if (!gitOps.ContainsKey(GitOpsInputNames.Revision) && Variable("BUILD_SOURCEVERSION") is { } sourceVersion)
        {
            gitOps[GitOpsInputNames.Revision] = [sourceVersion];
        }

        if (!gitOps.ContainsKey(GitOpsInputNames.Repo) && Variable("BUILD_SOURCESDIRECTORY") is { } sources)
        {
            gitOps[GitOpsInputNames.Repo] = [sources];
        }

        if (argoCdToken is not null)
        {
            gitOps[GitOpsInputNames.ArgoCdTokenEnv] = [ArgoCdTokenVariable];
        }

        ClusterAccess? destination = null;
        if (Input("destinationConnection")?.Trim() is { } destinationId)
        {
            var (access, destinationError) = KubernetesEndpoint.Read(destinationId, Variable);
            destination = access;
            secrets.AddRange(access?.Secrets ?? []);
            if (destinationError is not null)
            {
                errors.Add(destinationError with { Input = "destinationConnection" });
            }
        }

        // Secret pipeline variables (SECRET_*): the agent masks them in the log, but not in what the task sends
        // elsewhere (the summary file, the pull request), so the task masks them too.
        secrets.AddRange(env.Where(v => v.Key.StartsWith("SECRET_", StringComparison.OrdinalIgnoreCase)).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Value));

        // What overrides and overridesString pass under secret-looking keys (db.password=…) is masked undeclared.
        secrets.AddRange(Deploy.DeployInputs.SecretsOf(inputs));

        var provider = Variable("BUILD_REPOSITORY_PROVIDER") ?? "";
        AzurePullRequest? azureRepos = null;
        GitHubPullRequestTarget? github = null;
        if (provider.StartsWith("GitHub", StringComparison.OrdinalIgnoreCase))
        {
            var apiText = Input("githubApiUrl")?.Trim() is { Length: > 0 } given ? given : "https://api.github.com/";
            if (!Uri.TryCreate(apiText.EndsWith('/') ? apiText : apiText + "/", UriKind.Absolute, out var apiUrl) || apiUrl.Scheme is not ("https" or "http"))
            {
                errors.Add(new InputError("githubApiUrl", $"'{apiText}' is not an http(s) URL such as https://api.github.com or https://HOST/api/v3."));
            }
            else if (Number(Variable("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER")) is { } number && Variable("BUILD_REPOSITORY_NAME") is { } repository)
            {
                github = new GitHubPullRequestTarget(repository, number, githubToken, apiUrl, Variable("SYSTEM_PULLREQUEST_SOURCECOMMITID"), BuildUrl());
            }
        }
        else if (provider.Equals("TfsGit", StringComparison.OrdinalIgnoreCase)
            && Number(Variable("SYSTEM_PULLREQUEST_PULLREQUESTID")) is { } pullRequestId
            && (Variable("SYSTEM_COLLECTIONURI") ?? Variable("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")) is { } collection
            && Uri.TryCreate(collection.EndsWith('/') ? collection : collection + "/", UriKind.Absolute, out var collectionUri)
            && (Variable("SYSTEM_TEAMPROJECTID") ?? Variable("SYSTEM_TEAMPROJECT")) is { } project
            && Variable("BUILD_REPOSITORY_ID") is { } repositoryId)
        {
            azureRepos = new AzurePullRequest(collectionUri, project, repositoryId, pullRequestId, accessToken, BuildUrl()?.AbsoluteUri);
        }

        Uri? BuildUrl()
        {
            var collection = Variable("SYSTEM_COLLECTIONURI") ?? Variable("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI");
            return collection is not null && Variable("BUILD_BUILDID") is { } buildId && Variable("SYSTEM_TEAMPROJECT") is { } projectName &&
                   Uri.TryCreate($"{collection.TrimEnd('/')}/{Uri.EscapeDataString(projectName)}/_build/results?buildId={Uri.EscapeDataString(buildId)}", UriKind.Absolute, out var url)
                ? url
                : null;
        }

        // On a PR build only the migrations the pull request adds or changes are linted: against the target branch as the
        // agent's checkout knows it (refs/heads/main → origin/main).
        if (inputs.ContainsKey(DeployInputNames.Migrations) && MigrationsBase(Variable("SYSTEM_PULLREQUEST_TARGETBRANCH")) is { } migrationsBase)
        {
            inputs[DeployInputNames.MigrationsBase] = [migrationsBase];
        }

        var stage = Variable("SYSTEM_STAGENAME");
        var command = Input("command")?.Trim().ToLowerInvariant() ?? "deploy";
        if (command is not ("deploy" or "plan" or "rollback" or "gitops"))
        {
            errors.Add(new InputError("command", $"'{command}' is not a command; expected deploy, plan, rollback or gitops."));
        }

        // The build's own repository, for a revert pull request of command gitops (which runs on a CI build, not a PR build).
        AzureReposRepository? repos = null;
        (string, string, string?, Uri)? githubRepository = null;
        if (provider.Equals("TfsGit", StringComparison.OrdinalIgnoreCase)
            && (Variable("SYSTEM_COLLECTIONURI") ?? Variable("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")) is { } reposCollection
            && Uri.TryCreate(reposCollection.EndsWith('/') ? reposCollection : reposCollection + "/", UriKind.Absolute, out var reposCollectionUri)
            && (Variable("SYSTEM_TEAMPROJECTID") ?? Variable("SYSTEM_TEAMPROJECT")) is { } reposProject
            && Variable("BUILD_REPOSITORY_ID") is { } reposId)
        {
            repos = new AzureReposRepository(reposCollectionUri, reposProject, reposId, accessToken);
        }
        else if (provider.StartsWith("GitHub", StringComparison.OrdinalIgnoreCase) && Variable("BUILD_REPOSITORY_NAME")?.Split('/') is [var owner, var name]
            && Uri.TryCreate((Input("githubApiUrl")?.Trim() is { Length: > 0 } api ? api.TrimEnd('/') : "https://api.github.com") + "/", UriKind.Absolute, out var githubApi))
        {
            githubRepository = (owner, name, githubToken, githubApi);
        }

        return new AzureTaskContext
        {
            Command = command,
            DeployInputs = inputs,
            GitOpsInputs = gitOps,
            ArgoCdToken = argoCdToken,
            Destination = destination,
            Repository = repos,
            GitHubRepository = githubRepository,
            BuildUrl = BuildUrl(),
            Cluster = cluster,
            Secrets = [.. secrets.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal)],
            VerifyContent = Input("verify"),
            AzureRepos = azureRepos,
            GitHub = github,
            CommentOnPullRequest = Flag("commentOnPullRequest", true),
            PullRequestStatus = Flag("pullRequestStatus", true),
            Environment = Variable("ENVIRONMENT_NAME") ?? (stage is "__default" ? null : stage),
            TempDirectory = Variable("AGENT_TEMPDIRECTORY") ?? Path.GetTempPath(),
            Errors = errors,
        };
    }

    private static int? Number(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
