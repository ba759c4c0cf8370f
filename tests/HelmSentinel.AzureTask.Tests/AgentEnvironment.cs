using System.Text;
using HelmSentinel.TestSupport;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>The environment an Azure Pipelines agent gives a Node task: INPUT_*, ENDPOINT_*, SYSTEM_*, BUILD_*,
/// AGENT_*; names as the agent converts them (upper case, '.' and ' ' → '_'); endpoint ids as lower-case GUIDs.</summary>
internal sealed class AgentEnvironment
{
    private readonly Dictionary<string, string?> _variables;

    public AgentEnvironment(IsolatedHome home)
    {
        TempDirectory = Path.Combine(home.Root, "agent-temp");
        Directory.CreateDirectory(TempDirectory);
        _variables = new Dictionary<string, string?>(home.Environment, StringComparer.Ordinal)
        {
            ["TF_BUILD"] = "True",
            ["AGENT_TEMPDIRECTORY"] = TempDirectory,
            ["SYSTEM_TEAMPROJECT"] = "Fabrikam Web",
            ["SYSTEM_TEAMPROJECTID"] = "6f0e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
            ["BUILD_BUILDID"] = "4711",
            ["BUILD_REPOSITORY_PROVIDER"] = "TfsGit",
            ["BUILD_REPOSITORY_ID"] = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            ["BUILD_REPOSITORY_NAME"] = "web",
            ["BUILD_REASON"] = "IndividualCI",
            ["SYSTEM_STAGENAME"] = "__default",
        };
    }

    public string TempDirectory { get; }

    public IReadOnlyDictionary<string, string?> Variables => _variables;

    public AgentEnvironment Set(string name, string? value)
    {
        _variables[name] = value;
        return this;
    }

    /// <summary>Sets <c>INPUT_{NAME}</c> for a task.json input name.</summary>
    public AgentEnvironment Input(string name, string value) => Set("INPUT_" + name.ToUpperInvariant(), value);

    /// <summary>The inputs of a deploy of the fixture chart with a given helm, in namespace = release.</summary>
    public AgentEnvironment Deploy(string release, int helmMajor, params string[] overrides) =>
        Input("release", release).Input("chart", Tools.Chart("fixture-web")).Input("namespace", release)
            .Input("createNamespace", "true").Input("helmPath", Tools.Helm(helmMajor)).Input("timeout", "20s")
            .Input("failFast", "true").Input("waitStrategy", "watcher").Input("recoverStaleLock", "true")
            .Input("overrides", string.Join('\n', overrides));

    /// <summary>A Kubernetes service connection of kind Kubeconfig.</summary>
    public AgentEnvironment KubeconfigConnection(string id, string kubeconfig, string? clusterContext = null)
    {
        Input("connectionType", "kubernetesServiceConnection").Input("kubernetesServiceConnection", id);
        Set($"ENDPOINT_URL_{id}", "https://kubernetes.invalid");
        Set($"ENDPOINT_AUTH_SCHEME_{id}", "Kubernetes");
        Set($"ENDPOINT_AUTH_PARAMETER_{id}_KUBECONFIG", kubeconfig);
        Set($"ENDPOINT_DATA_{id}_AUTHORIZATIONTYPE", "Kubeconfig");
        return clusterContext is null ? this : Set($"ENDPOINT_AUTH_PARAMETER_{id}_CLUSTERCONTEXT", clusterContext);
    }

    /// <summary>A Kubernetes service connection of kind Service Account (token and CA base64, as in the Secret).</summary>
    public AgentEnvironment ServiceAccountConnection(string id, Uri server, string token, string caPem)
    {
        Input("connectionType", "kubernetesServiceConnection").Input("kubernetesServiceConnection", id);
        Set($"ENDPOINT_URL_{id}", server.ToString().TrimEnd('/'));
        Set($"ENDPOINT_AUTH_SCHEME_{id}", "Token");
        Set($"ENDPOINT_AUTH_PARAMETER_{id}_APITOKEN", Convert.ToBase64String(Encoding.UTF8.GetBytes(token)));
        Set($"ENDPOINT_AUTH_PARAMETER_{id}_SERVICEACCOUNTCERTIFICATE", Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem)));
        return Set($"ENDPOINT_DATA_{id}_AUTHORIZATIONTYPE", "ServiceAccount");
    }

    /// <summary>A pull request build on Azure Repos, reporting to <paramref name="server"/>.</summary>
    public AgentEnvironment PullRequest(FakeAzureDevOps server, int id) =>
        Set("BUILD_REASON", "PullRequest")
            .Set("SYSTEM_PULLREQUEST_PULLREQUESTID", id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("SYSTEM_COLLECTIONURI", server.CollectionUri.ToString())
            .Set("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", server.CollectionUri.ToString())
            .Set("ENDPOINT_URL_SYSTEMVSSCONNECTION", server.CollectionUri.ToString())
            .Set("ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION", "OAuth")
            .Set("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", server.Token);
}
