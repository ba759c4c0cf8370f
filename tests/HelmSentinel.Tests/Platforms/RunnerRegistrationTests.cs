using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms;

/// <summary>
/// What each platform registers with its runner before anything prints: the runners mask line by line, so a multi-line
/// secret is registered one line at a time (PEM armour, blank and short lines left out), in every single-line form; a
/// kubeconfig by its credentials, never by its structural lines; undeclared secrets passed with <c>set</c> too.
/// </summary>
public sealed class RunnerRegistrationTests
{
    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADAN\nBgkq+hkiG9w==\nab\n-----END PRIVATE KEY-----";

    private const string Kubeconfig = """
        apiVersion: v1
        kind: Config
        users:
        - name: ci
          user:
            token: kube-token-123456
        """;

    // The single-line forms of the PEM above, in the order SecretMasker.RunnerValues gives them: the whole key in the
    // encodings that keep it on one line (base64, URL, URL with +, JSON, minimal JSON, Markdown, command data), then each
    // body line (not the armour, not "ab") in its encodings (URL and JSON escape '+' and '='), then base64 of the key
    // with a final line break.
    private static readonly string[] PemValues =
    [
        "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUJWUUlCQURBTgpCZ2txK2hraUc5dz09CmFiCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0=",
        "-----BEGIN%20PRIVATE%20KEY-----%0AMIIBVQIBADAN%0ABgkq%2BhkiG9w%3D%3D%0Aab%0A-----END%20PRIVATE%20KEY-----",
        "-----BEGIN+PRIVATE+KEY-----%0AMIIBVQIBADAN%0ABgkq%2BhkiG9w%3D%3D%0Aab%0A-----END+PRIVATE+KEY-----",
        "-----BEGIN PRIVATE KEY-----\\nMIIBVQIBADAN\\nBgkq\\u002BhkiG9w==\\nab\\n-----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\\nMIIBVQIBADAN\\nBgkq+hkiG9w==\\nab\\n-----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----<br>MIIBVQIBADAN<br>Bgkq+hkiG9w==<br>ab<br>-----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----%0AMIIBVQIBADAN%0ABgkq+hkiG9w==%0Aab%0A-----END PRIVATE KEY-----",
        "MIIBVQIBADAN", "TUlJQlZRSUJBREFO",
        "Bgkq+hkiG9w==", "QmdrcStoa2lHOXc9PQ==", "Bgkq%2BhkiG9w%3D%3D", "Bgkq\\u002BhkiG9w==",
        "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUJWUUlCQURBTgpCZ2txK2hraUc5dz09CmFiCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K",
    ];

    [Fact]
    public void GitHub_RegistersEachLineOfAMultiLineSecret_AndTheSetValuesUnderSecretLookingKeys()
    {
        var (settings, _) = ActionInputs.Read(Env(
            ("INPUT_SECRETS", "pw-one\n" + Pem),
            ("INPUT_SET", "image.tag=2.0.0\ndb.adminPassword=adm1n-pw"),
            ("INPUT_SET-STRING", "replicas=3")));

        GitHubAction.MaskCommands(settings).Should().Equal(
            ["::add-mask::pw-one", "::add-mask::cHctb25l", .. PemValues.Select(v => "::add-mask::" + WorkflowCommands.EscapeData(v)),
             "::add-mask::adm1n-pw", "::add-mask::YWRtMW4tcHc="]);
    }

    [Fact]
    public void GitHub_RegistersAKubeconfigByItsCredentials_NeverByItsStructuralLines()
    {
        var (settings, _) = ActionInputs.Read(Env(("INPUT_KUBECONFIG", Kubeconfig)));

        GitHubAction.MaskCommands(settings).Should().Equal(
            "::add-mask::kube-token-123456",
            "::add-mask::a3ViZS10b2tlbi0xMjM0NTY=",
            "::add-mask::" + WorkflowCommands.EscapeData(Kubeconfig));
    }

    [Fact]
    public void Azure_RegistersEachLineOfAMultiLineSecretVariable_AndTheOverridesUnderSecretLookingKeys()
    {
        var context = AzureTaskContext.Parse(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["INPUT_CONNECTIONTYPE"] = "kubeconfig",
            ["INPUT_KUBECONFIG"] = Kubeconfig,
            ["INPUT_RELEASE"] = "web",
            ["INPUT_CHART"] = "./chart",
            ["INPUT_OVERRIDES"] = "image.tag=2.0.0\nauth.githubToken=ghp-abc",
            ["INPUT_OVERRIDESSTRING"] = "db.password=adm1n-pw",
            ["SECRET_TLS_KEY"] = Pem,
            ["AGENT_TEMPDIRECTORY"] = Path.GetTempPath(),
        });
        using var output = new StringWriter { NewLine = "\n" };

        new AzureTaskReporter(output, context, http: null).RegisterSecrets();

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            ["##vso[task.setsecret]kube-token-123456", "##vso[task.setsecret]a3ViZS10b2tlbi0xMjM0NTY=",
             .. PemValues.Select(v => "##vso[task.setsecret]" + AzureCommands.Escape(v)),
             "##vso[task.setsecret]ghp-abc", "##vso[task.setsecret]Z2hwLWFiYw==", "##vso[task.setsecret]adm1n-pw", "##vso[task.setsecret]YWRtMW4tcHc="]);
    }

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
