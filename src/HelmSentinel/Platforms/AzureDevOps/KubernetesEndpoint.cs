using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Deploy;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// Reads a Kubernetes service connection from the variables the agent sets for an endpoint
/// (<c>ENDPOINT_URL_{id}</c>, <c>ENDPOINT_AUTH_PARAMETER_{id}_{KEY}</c>, <c>ENDPOINT_DATA_{id}_{KEY}</c>). Pure.
/// </summary>
public static class KubernetesEndpoint
{
    /// <summary>Builds the cluster access for endpoint <paramref name="id"/>. Kinds: <c>Kubeconfig</c> (or none
    /// recorded) uses the stored kubeconfig and its <c>clusterContext</c>; <c>ServiceAccount</c> builds one from the
    /// server URL, the base64 <c>apiToken</c> and the base64 <c>serviceAccountCertificate</c>.</summary>
    public static (ClusterAccess? Access, InputError? Error) Read(string id, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(variable);
        const string input = "kubernetesServiceConnection";
        string? Auth(string key) => NonEmpty(variable($"ENDPOINT_AUTH_PARAMETER_{id}_{key}"));
        string? Data(string key) => NonEmpty(variable($"ENDPOINT_DATA_{id}_{key}"));

        var kind = Data("AUTHORIZATIONTYPE") ?? "Kubeconfig";
        if (kind.Equals("Kubeconfig", StringComparison.OrdinalIgnoreCase))
        {
            return Auth("KUBECONFIG") is { } kubeconfig
                ? (new ClusterAccess(kubeconfig, Auth("CLUSTERCONTEXT"), KubeconfigSecrets.Extract(kubeconfig)), null)
                : (null, new InputError(input, $"service connection {id} has no kubeconfig; the agent gives it as ENDPOINT_AUTH_PARAMETER_{id}_KUBECONFIG."));
        }

        if (!kind.Equals("ServiceAccount", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new InputError(input, $"service connections of kind '{kind}' are not supported; use a Kubeconfig or Service Account connection, or connectionType kubeconfig."));
        }

        var server = NonEmpty(variable($"ENDPOINT_URL_{id}"));
        var encodedToken = Auth("APITOKEN");
        if (server is null || encodedToken is null)
        {
            return (null, new InputError(input, $"service account connection {id} lacks its server URL or token (ENDPOINT_URL_{id}, ENDPOINT_AUTH_PARAMETER_{id}_APITOKEN)."));
        }

        var token = DecodeToken(encodedToken);
        var insecure = string.Equals(Data("ACCEPTUNTRUSTEDCERTS"), "true", StringComparison.OrdinalIgnoreCase);
        var text = ServiceAccountKubeconfig(server, token, insecure ? null : Auth("SERVICEACCOUNTCERTIFICATE"), insecure);
        return (new ClusterAccess(text, null, [token, encodedToken]), null);
    }

    /// <summary>A kubeconfig (JSON) with one cluster, one token user and one context named <c>azure-devops</c>.
    /// The certificate is the cluster's CA as base64 PEM (as a ServiceAccount Secret's <c>ca.crt</c> holds it; a
    /// raw PEM is encoded here). With <paramref name="insecure"/> TLS is not verified and no CA is written
    /// (client-go refuses both together); without either, the system's roots verify the server.</summary>
    public static string ServiceAccountKubeconfig(string server, string token, string? certificate, bool insecure)
    {
        var cluster = new JsonObject { ["server"] = server };
        if (insecure)
        {
            cluster["insecure-skip-tls-verify"] = true;
        }
        else if (certificate is { Length: > 0 })
        {
            cluster["certificate-authority-data"] = certificate.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal)
                ? Convert.ToBase64String(Encoding.UTF8.GetBytes(certificate))
                : certificate.Trim();
        }

        var config = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Config",
            ["clusters"] = new JsonArray(new JsonObject { ["name"] = "azure-devops", ["cluster"] = cluster }),
            ["users"] = new JsonArray(new JsonObject { ["name"] = "azure-devops", ["user"] = new JsonObject { ["token"] = token } }),
            ["contexts"] = new JsonArray(new JsonObject
            {
                ["name"] = "azure-devops",
                ["context"] = new JsonObject { ["cluster"] = "azure-devops", ["user"] = "azure-devops" },
            }),
            ["current-context"] = "azure-devops",
        };
        return config.ToJsonString() + "\n";
    }

    // The Secret's data.token is base64; a value that does not decode (a raw JWT has dots) is used as is.
    private static string DecodeToken(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written)
            ? Encoding.UTF8.GetString(buffer, 0, written).Trim()
            : value.Trim();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
