using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Platforms.AzureDevOps;

namespace HelmSentinel.Tests.Platforms.AzureDevOps;

public sealed class KubernetesEndpointTests
{
    private const string Id = "3f2b8c1e-0d4a-4e6b-9c7d-1a2b3c4d5e6f";

    private static Func<string, string?> Variables(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);

    [Fact]
    public void KubeconfigKind_UsesTheStoredKubeconfig_ItsClusterContext_AndMasksItsCredentials()
    {
        const string kubeconfig = "users:\n- name: u\n  user:\n    token: abc.def-123\n    client-key-data: S0VZ\n";
        var (access, error) = KubernetesEndpoint.Read(Id, Variables(new()
        {
            [$"ENDPOINT_AUTH_PARAMETER_{Id}_KUBECONFIG"] = kubeconfig,
            [$"ENDPOINT_AUTH_PARAMETER_{Id}_CLUSTERCONTEXT"] = "prod",
        }));

        error.Should().BeNull();
        access!.Kubeconfig.Should().Be(kubeconfig);
        access.Context.Should().Be("prod");
        access.Secrets.Should().Equal("abc.def-123", "S0VZ");
    }

    [Fact]
    public void ServiceAccountKind_BuildsAKubeconfigWithTheDecodedTokenAndTheCa()
    {
        var (access, error) = KubernetesEndpoint.Read(Id, Variables(new()
        {
            [$"ENDPOINT_DATA_{Id}_AUTHORIZATIONTYPE"] = "ServiceAccount",
            [$"ENDPOINT_URL_{Id}"] = "https://aks.example:443",
            [$"ENDPOINT_AUTH_PARAMETER_{Id}_APITOKEN"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("eyJhbGciOi.payload.sig")),
            [$"ENDPOINT_AUTH_PARAMETER_{Id}_SERVICEACCOUNTCERTIFICATE"] = "LS0tLS1CRUdJTg==",
        }));

        error.Should().BeNull();
        var config = JsonNode.Parse(access!.Kubeconfig)!;
        config["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>().Should().Be("https://aks.example:443");
        config["clusters"]![0]!["cluster"]!["certificate-authority-data"]!.GetValue<string>().Should().Be("LS0tLS1CRUdJTg==");
        config["users"]![0]!["user"]!["token"]!.GetValue<string>().Should().Be("eyJhbGciOi.payload.sig");
        config["current-context"]!.GetValue<string>().Should().Be("azure-devops");
        access.Secrets.Should().Contain("eyJhbGciOi.payload.sig");
    }

    [Fact]
    public void ServiceAccountKubeconfig_EncodesARawPem_AndDropsTheCaWhenUntrustedCertsAreAccepted()
    {
        var pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        var withPem = JsonNode.Parse(KubernetesEndpoint.ServiceAccountKubeconfig("https://k", "t", pem, insecure: false))!;
        withPem["clusters"]![0]!["cluster"]!["certificate-authority-data"]!.GetValue<string>()
            .Should().Be(Convert.ToBase64String(Encoding.UTF8.GetBytes(pem)));

        var insecure = JsonNode.Parse(KubernetesEndpoint.ServiceAccountKubeconfig("https://k", "t", pem, insecure: true))!["clusters"]![0]!["cluster"]!;
        insecure["insecure-skip-tls-verify"]!.GetValue<bool>().Should().BeTrue();
        insecure["certificate-authority-data"].Should().BeNull();
    }

    [Theory]
    [InlineData("AzureSubscription", "not supported")]
    [InlineData("Kubeconfig", "has no kubeconfig")]
    [InlineData("ServiceAccount", "lacks its server URL or token")]
    public void IncompleteOrUnsupportedConnections_AreInputErrors(string kind, string message)
    {
        var (access, error) = KubernetesEndpoint.Read(Id, Variables(new() { [$"ENDPOINT_DATA_{Id}_AUTHORIZATIONTYPE"] = kind }));

        access.Should().BeNull();
        error!.Input.Should().Be("kubernetesServiceConnection");
        error.Message.Should().Contain(message);
    }
}
