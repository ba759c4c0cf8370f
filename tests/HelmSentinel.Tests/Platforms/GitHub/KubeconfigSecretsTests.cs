using HelmSentinel.Platforms;

namespace HelmSentinel.Tests.Platforms.GitHub;

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
}
