using HelmSentinel.Platforms;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms;

public class KubeconfigSecretsTests
{
    [Fact]
    public void Extract_FindsCredentialsInYaml()
    {
        const string yaml = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: Q0EtREFUQQ==
                server: https://k8s.example:6443
              name: prod
            users:
            - name: admin
              user:
                client-certificate-data: "Q0VSVA=="
                client-key-data: 'S0VZ'
            - name: ci
              user:
                token: eyJhbGciOi.payload.sig
            - name: basic
              user: {password: hunter22, username: bob}
            """;

        KubeconfigSecrets.Extract(yaml).Should().Equal("Q0EtREFUQQ==", "Q0VSVA==", "S0VZ", "eyJhbGciOi.payload.sig", "hunter22");
    }

    [Fact]
    public void Extract_FindsCredentialsInJson()
    {
        const string json = """
            {
              "users": [ { "name": "ci", "user": {
                "token": "json-token-value",
                "client-key-data": "a2V5"
              } } ]
            }
            """;

        KubeconfigSecrets.Extract(json).Should().Equal("json-token-value", "a2V5");
    }

    [Fact]
    public void Extract_OfTextThatIsNotYaml_ScansLineByLine()
    {
        KubeconfigSecrets.Extract("users:\n  token: line-token-1\n\t- broken: [\n").Should().Equal("line-token-1");
    }

    [Fact]
    public void Extract_OfNothing_IsEmpty()
    {
        KubeconfigSecrets.Extract(null).Should().BeEmpty();
        KubeconfigSecrets.Extract("kind: Config\n").Should().BeEmpty();
    }

    [Fact]
    public void Extract_FindsYamlAndJsonCredentials_NotOtherFields() =>
        KubeconfigSecrets.Extract("""{"users":[{"user":{"token":"tok123","password":"pw9"}}],"clusters":[{"cluster":{"server":"https://x"}}]}""")
            .Should().Equal("tok123", "pw9");

    [Fact]
    public void Extract_FindsEveryKeyThatEitherPlatformLookedFor()
    {
        const string yaml = """
            users:
            - name: oidc
              user:
                auth-provider:
                  config:
                    client-secret: oidc-client-secret-1
                    idp-certificate-authority-data: SURQLUNB
                    secret: provider-secret-2
                    refresh-token: refresh-token-3
                    access-token: access-token-4
                    id-token: id-token-5
            """;

        KubeconfigSecrets.Extract(yaml).Should().Equal(
            "oidc-client-secret-1", "SURQLUNB", "provider-secret-2", "refresh-token-3", "access-token-4", "id-token-5");
    }

    [Fact]
    public void BothPlatforms_MaskWhatTheExtractorFinds()
    {
        const string kubeconfig = "users:\n- name: u\n  user:\n    token: shared-token-1\n    client-secret: shared-secret-2\n    secret: shared-secret-3\n";

        var (settings, _) = ActionInputs.Read(new Dictionary<string, string>(StringComparer.Ordinal) { ["INPUT_KUBECONFIG"] = kubeconfig });
        var task = AzureTaskContext.Parse(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["INPUT_CONNECTIONTYPE"] = "kubeconfig",
            ["INPUT_KUBECONFIG"] = kubeconfig,
        });

        settings.Secrets.Should().Equal(KubeconfigSecrets.Extract(kubeconfig));
        task.Secrets.Should().Equal(KubeconfigSecrets.Extract(kubeconfig));
        KubeconfigSecrets.Extract(kubeconfig).Should().Equal("shared-token-1", "shared-secret-2", "shared-secret-3");
    }
}
