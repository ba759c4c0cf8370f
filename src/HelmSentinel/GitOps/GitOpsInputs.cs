using System.Text.RegularExpressions;
using HelmSentinel.Deploy;
using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.GitOps;

/// <summary>
/// Turns the GitOps watch's named inputs into a <see cref="GitOpsRequest"/>. Pure: the entry point passes its inputs and a
/// way to read the environment (for the token variable), and gets the request or every problem at once, each naming its input.
/// </summary>
public static partial class GitOpsInputs
{
    private static readonly Dictionary<string, RevertMode> Reverts = new(StringComparer.Ordinal)
    {
        ["pr"] = RevertMode.PullRequest,
        ["push"] = RevertMode.Push,
        ["none"] = RevertMode.None,
    };

    /// <summary>Parses the inputs.</summary>
    /// <param name="inputs">The inputs by name, each with its values.</param>
    /// <param name="environment">Reads an environment variable (the token's); null when it is not set.</param>
    public static (GitOpsRequest? Request, IReadOnlyList<InputError> Errors) Parse(
        IReadOnlyDictionary<string, IReadOnlyList<string>> inputs, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<InputError>();
        foreach (var name in inputs.Keys.Where(n => !GitOpsInputNames.All.Contains(n)))
        {
            errors.Add(new InputError(name, $"unknown input '{name}'. Known inputs: {string.Join(", ", GitOpsInputNames.All.Order(StringComparer.Ordinal))}."));
        }

        var read = new InputReader(inputs, errors);
        var revision = read.Single(GitOpsInputNames.Revision);
        if (revision is null)
        {
            errors.Add(new InputError(GitOpsInputNames.Revision, "is required: the SHA of the merged commit, e.g. ${{ github.sha }}."));
        }
        else if (!Sha().IsMatch(revision))
        {
            errors.Add(new InputError(GitOpsInputNames.Revision, $"'{revision}' is not a commit SHA (7 to 40 hexadecimal digits)."));
        }

        var target = Target(read, environment);
        var kube = read.Single(GitOpsInputNames.Kubeconfig) is not null || read.Single(GitOpsInputNames.KubeContext) is not null;
        if (kube && target is GitOpsTarget.ArgoCdRest)
        {
            errors.Add(new InputError(GitOpsInputNames.Kubeconfig, $"applies to {GitOpsInputNames.ArgoCdApplication} or {GitOpsInputNames.FluxKustomization}; with {GitOpsInputNames.ArgoCdServer} the application is read through Argo CD's API."));
        }

        var argoCdRollback = read.Bool(GitOpsInputNames.OnFailureArgoCdRollback, false);
        if (argoCdRollback && target is GitOpsTarget.Flux)
        {
            errors.Add(new InputError(GitOpsInputNames.OnFailureArgoCdRollback, "applies to an Argo CD application; a Flux HelmRelease has its own remediation."));
        }

        var defaults = new GitOpsRequest { Revision = "", Target = new GitOpsTarget.ArgoCdKube(new KubeAccess(null, null), "", "") };
        var bake = read.Duration(GitOpsInputNames.Bake, allowZero: true) ?? defaults.Bake;
        var timeout = read.Duration(GitOpsInputNames.Timeout) ?? defaults.Timeout;
        if (bake >= timeout)
        {
            errors.Add(new InputError(GitOpsInputNames.Bake, $"the bake ({Text.GoDuration.FormatCompact(bake)}) must be shorter than the timeout ({Text.GoDuration.FormatCompact(timeout)})."));
        }

        var destination = read.Single(GitOpsInputNames.DestinationKubeconfig);
        var destinationContext = read.Single(GitOpsInputNames.DestinationContext);
        if (destination is null && destinationContext is not null)
        {
            errors.Add(new InputError(GitOpsInputNames.DestinationContext, $"applies only with {GitOpsInputNames.DestinationKubeconfig}."));
        }

        var request = new GitOpsRequest
        {
            Destination = destination is null ? null : new KubeAccess(destination, destinationContext),
            Revision = revision?.ToLowerInvariant() ?? "",
            Target = target ?? defaults.Target,
            RepoDir = read.Single(GitOpsInputNames.Repo) ?? defaults.RepoDir,
            Bake = bake,
            Timeout = timeout,
            ProgressingTimeout = read.Duration(GitOpsInputNames.ProgressingTimeout) ?? defaults.ProgressingTimeout,
            Revert = read.Choice(GitOpsInputNames.Revert, Reverts, defaults.Revert),
            RevertBranchPrefix = read.Single(GitOpsInputNames.RevertBranchPrefix) ?? defaults.RevertBranchPrefix,
            ArgoCdRollback = argoCdRollback,
            PollInterval = read.Duration(GitOpsInputNames.PollInterval) ?? defaults.PollInterval,
            Secrets = [.. DeployInputs.SecretsOf(inputs), .. target is GitOpsTarget.ArgoCdRest { Token.Length: > 0 } rest ? [rest.Token] : Array.Empty<string>()],
        };
        if (!BranchPrefix().IsMatch(request.RevertBranchPrefix))
        {
            errors.Add(new InputError(GitOpsInputNames.RevertBranchPrefix, $"'{request.RevertBranchPrefix}' is not a usable branch name prefix (letters, digits, '-', '_', '.', '/'; no '..')."));
        }

        if (errors.Count > 0)
        {
            var masker = new SecretMasker(request.Secrets);
            return (null, [.. errors.Select(e => e with { Message = masker.Mask(e.Message) })]);
        }

        return (request, errors);
    }

    private static GitOpsTarget? Target(InputReader read, Func<string, string?> environment)
    {
        var server = read.Single(GitOpsInputNames.ArgoCdServer);
        var application = read.Single(GitOpsInputNames.ArgoCdApplication);
        var kustomization = read.Single(GitOpsInputNames.FluxKustomization);
        var given = new[] { (GitOpsInputNames.ArgoCdServer, server), (GitOpsInputNames.ArgoCdApplication, application), (GitOpsInputNames.FluxKustomization, kustomization) }
            .Where(t => t.Item2 is not null).Select(t => t.Item1).ToList();
        var errors = read.Errors;
        if (given.Count != 1)
        {
            errors.Add(new InputError(given.Count == 0 ? GitOpsInputNames.ArgoCdServer : given[1], given.Count == 0
                ? $"what to watch is required: {GitOpsInputNames.ArgoCdServer} with {GitOpsInputNames.App} (Argo CD's API), {GitOpsInputNames.ArgoCdApplication} NS/NAME or {GitOpsInputNames.FluxKustomization} NS/NAME (through the Kubernetes API)."
                : $"{string.Join(" and ", given)} both name what to watch; give one of them."));
        }

        var app = read.Single(GitOpsInputNames.App);
        var appNamespace = read.Single(GitOpsInputNames.AppNamespace);
        var tokenVariable = read.Single(GitOpsInputNames.ArgoCdTokenEnv);
        if (server is null)
        {
            foreach (var (name, value) in new[] { (GitOpsInputNames.App, app), (GitOpsInputNames.AppNamespace, appNamespace), (GitOpsInputNames.ArgoCdTokenEnv, tokenVariable) })
            {
                if (value is not null)
                {
                    errors.Add(new InputError(name, $"applies only with {GitOpsInputNames.ArgoCdServer} (Argo CD's REST API)."));
                }
            }
        }

        var helmReleases = read.Lines(GitOpsInputNames.FluxHelmRelease).SelectMany(l => l.Split(',')).Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        if (kustomization is null && helmReleases.Count > 0)
        {
            errors.Add(new InputError(GitOpsInputNames.FluxHelmRelease, $"applies only with {GitOpsInputNames.FluxKustomization}: the Kustomization carries the Git revision, not the HelmRelease."));
        }

        var kube = new KubeAccess(read.Single(GitOpsInputNames.Kubeconfig), read.Single(GitOpsInputNames.KubeContext));
        if (given.Count != 1)
        {
            return null;
        }

        if (server is not null)
        {
            var uri = ArgoCd.ArgoCdServerUrl.Parse(server, out var error);
            if (uri is null)
            {
                // The parser's message starts with the input's name, as an InputError prints it.
                errors.Add(new InputError(GitOpsInputNames.ArgoCdServer, error!.StartsWith(GitOpsInputNames.ArgoCdServer + ": ", StringComparison.Ordinal)
                    ? error[(GitOpsInputNames.ArgoCdServer.Length + 2)..]
                    : error));
            }

            if (app is null)
            {
                errors.Add(new InputError(GitOpsInputNames.App, $"is required with {GitOpsInputNames.ArgoCdServer}: the Argo CD application's name."));
            }

            var variable = tokenVariable ?? GitOpsInputNames.DefaultTokenVariable;
            var token = VariableName().IsMatch(variable) ? environment(variable) : null;
            if (!VariableName().IsMatch(variable))
            {
                errors.Add(new InputError(GitOpsInputNames.ArgoCdTokenEnv, "is not an environment variable name (letters, digits and '_'): name the variable that holds the token, never the token itself (the value given is not repeated here)."));
            }
            else if (string.IsNullOrEmpty(token))
            {
                // A name in the environment variables' convention is named back; anything else may be a token given by mistake.
                var named = ConventionalName().IsMatch(variable) ? "the environment variable " + variable : $"the environment variable that {GitOpsInputNames.ArgoCdTokenEnv} names";
                errors.Add(new InputError(GitOpsInputNames.ArgoCdTokenEnv, $"{named} is not set: it must hold the Argo CD token (argocd account generate-token)."));
            }

            return uri is null || app is null ? null : new GitOpsTarget.ArgoCdRest(uri, variable, app, appNamespace) { Token = token ?? "" };
        }

        if (application is not null)
        {
            return Named(application, GitOpsInputNames.ArgoCdApplication, errors) is { } name ? new GitOpsTarget.ArgoCdKube(kube, name.Namespace, name.Name) : null;
        }

        var releases = helmReleases.Select(r => Named(r, GitOpsInputNames.FluxHelmRelease, errors)).ToList();
        return Named(kustomization!, GitOpsInputNames.FluxKustomization, errors) is { } k && releases.All(r => r is not null)
            ? new GitOpsTarget.Flux(kube, k, [.. releases.Select(r => r!)])
            : null;
    }

    private static NamespacedName? Named(string text, string input, List<InputError> errors)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && DnsName().IsMatch(parts[0]) && parts[1].Length > 0 && DnsSubdomain().IsMatch(parts[1]))
        {
            return new NamespacedName(parts[0], parts[1]);
        }

        errors.Add(new InputError(input, $"'{text}' is not NAMESPACE/NAME (lower-case letters, digits and '-'), e.g. flux-system/apps."));
        return null;
    }

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex Sha();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")]
    private static partial Regex ConventionalName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex BranchPrefix();
}
