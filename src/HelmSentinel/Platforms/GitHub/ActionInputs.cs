using HelmSentinel.Deploy;
using HelmSentinel.GitOps;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// Reads the action's inputs from <c>INPUT_*</c> variables. The runner names them <c>INPUT_</c> + the name
/// upper-cased with spaces as <c>_</c> (dashes kept: <c>INPUT_SET-STRING</c>); the composite action maps them
/// with dashes as <c>_</c> (<c>INPUT_SET_STRING</c>). Both are accepted; an empty value counts as not given,
/// so the same program runs as a composite or a Docker action. Pure.
/// </summary>
public static class ActionInputs
{
    /// <summary>Inputs of the action that are not deploy inputs.</summary>
    public static IReadOnlySet<string> PlatformNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "kubeconfig", "github-token", "environment", "environment-url", "comment-on-pr", "deployment-status",
        "commit-status", "production-environment", "transient-environment", "mode", ArgoCdTokenInput, GitOpsInputNames.DestinationKubeconfig,
    };

    /// <summary>The Argo CD token of mode gitops, given as the secret itself (the CLI names a variable instead).</summary>
    public const string ArgoCdTokenInput = "argocd-token";

    /// <summary>The inputs of mode gitops (<see cref="GitOpsInputNames.All"/>) the action takes; the kubeconfig is content
    /// here, and the token its own input (<see cref="ArgoCdTokenInput"/>).</summary>
    public static IReadOnlyList<string> GitOpsNames { get; } =
        [.. GitOpsInputNames.All.Where(n => n is not (GitOpsInputNames.Kubeconfig or GitOpsInputNames.ArgoCdTokenEnv or GitOpsInputNames.DestinationKubeconfig))];

    /// <summary>The value of input <paramref name="name"/>, or null when it is absent or blank.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> environment, string name)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var upper = name.ToUpperInvariant();
        foreach (var key in new[] { "INPUT_" + upper.Replace(' ', '_'), "INPUT_" + upper.Replace(' ', '_').Replace('-', '_') })
        {
            if (environment.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The deploy inputs given as content, not as the file <see cref="DeployInputs.Parse"/> takes: the action writes
    /// them to a private file (<see cref="ActionSettings.KubeconfigContent"/>, <see cref="ActionSettings.VerifyContent"/>).</summary>
    public static IReadOnlySet<string> ContentNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DeployInputNames.Kubeconfig, DeployInputNames.Verify,
    };

    /// <summary>Reads every input. Returns the settings, and the errors (a malformed boolean) that make them unusable;
    /// the settings always carry the secrets (the token, the kubeconfig's credentials and what <see cref="DeployInputs.SecretsOf"/>
    /// finds in the deploy inputs), so they can be masked before the errors are printed.</summary>
    public static (ActionSettings Settings, IReadOnlyList<InputError> Errors) Read(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<InputError>();
        var deployInputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in Deploy.DeployInputs.Names.Where(n => !ContentNames.Contains(n)))
        {
            if (Get(environment, name) is { } value)
            {
                deployInputs[name] = [value];
            }
        }

        bool? Bool(string name)
        {
            var text = Get(environment, name)?.Trim();
            if (text is null)
            {
                return null;
            }

            if (DeployInputs.Boolean(text) is { } value)
            {
                return value;
            }

            errors.Add(new InputError(name, $"'{text}' is not a boolean; expected true or false."));
            return null;
        }

        var kubeconfig = Get(environment, "kubeconfig");
        var token = Get(environment, "github-token")?.Trim();
        var secrets = new List<string>();
        if (token is not null)
        {
            secrets.Add(token);
        }

        if (Get(environment, ArgoCdTokenInput)?.Trim() is { } argoCdToken)
        {
            secrets.Add(argoCdToken);
        }

        if (kubeconfig is not null)
        {
            secrets.AddRange(KubeconfigSecrets.Extract(kubeconfig));
        }

        if (Get(environment, GitOpsInputNames.DestinationKubeconfig) is { } destination)
        {
            secrets.AddRange(KubeconfigSecrets.Extract(destination));
        }

        // The secrets input (a PEM block in it kept whole), and what set and set-string pass under secret-looking keys.
        secrets.AddRange(DeployInputs.SecretsOf(deployInputs));

        var mode = Get(environment, "mode")?.Trim().ToLowerInvariant() ?? "deploy";
        if (mode is not ("deploy" or "plan" or "rollback" or "gitops"))
        {
            errors.Add(new InputError("mode", $"'{mode}' is not a mode; expected deploy, plan, rollback or gitops."));
        }

        var gitOpsInputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in GitOpsNames)
        {
            if (Get(environment, name) is { } value)
            {
                gitOpsInputs[name] = [value];
            }
        }

        var settings = new ActionSettings
        {
            Mode = mode,
            DeployInputs = deployInputs,
            GitOpsInputs = gitOpsInputs,
            KubeconfigContent = kubeconfig,
            VerifyContent = Get(environment, DeployInputNames.Verify),
            Token = token,
            Report = new GitHubReportOptions
            {
                Environment = Get(environment, "environment")?.Trim() ?? Get(environment, "namespace")?.Trim() ?? "default",
                EnvironmentUrl = Get(environment, "environment-url")?.Trim(),
                CommentOnPr = Bool("comment-on-pr") ?? true,
                DeploymentStatus = Bool("deployment-status") ?? true,
                CommitStatus = Bool("commit-status") ?? false,
                ProductionEnvironment = Bool("production-environment"),
                TransientEnvironment = Bool("transient-environment") ?? false,
            },
            Secrets = secrets.Distinct(StringComparer.Ordinal).ToList(),
        };
        return (settings, errors);
    }
}
