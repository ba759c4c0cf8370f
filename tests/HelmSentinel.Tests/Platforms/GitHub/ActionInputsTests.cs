using HelmSentinel.Deploy;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class ActionInputsTests
{
    private const string Kubeconfig = """
        apiVersion: v1
        kind: Config
        users:
        - name: ci
          user:
            token: kube-token-123456
        """;

    [Fact]
    public void Get_AcceptsTheRunnersDashFormAndTheCompositeUnderscoreForm()
    {
        ActionInputs.Get(Env(("INPUT_SET-STRING", "a=b")), "set-string").Should().Be("a=b");
        ActionInputs.Get(Env(("INPUT_SET_STRING", "a=b")), "set-string").Should().Be("a=b");
        ActionInputs.Get(Env(("INPUT_MY_INPUT", "x")), "my input").Should().Be("x");
    }

    [Fact]
    public void Get_TreatsABlankValueAsNotGiven()
    {
        ActionInputs.Get(Env(("INPUT_SET_STRING", ""), ("INPUT_SET-STRING", "a=b")), "set-string").Should().Be("a=b");
        ActionInputs.Get(Env(("INPUT_VERSION", "  ")), "version").Should().BeNull();
    }

    [Fact]
    public void Read_Verify_IsContentTheActionWritesToAFile_NotADeployInput()
    {
        var (settings, errors) = ActionInputs.Read(Env(("INPUT_RELEASE", "web"), ("INPUT_CHART", "./chart"), ("INPUT_VERIFY", "bake: 3s\nchecks: []\n")));

        errors.Should().BeEmpty();
        settings.VerifyContent.Should().Be("bake: 3s\nchecks: []\n");
        settings.DeployInputs.Should().NotContainKey("verify");
        ActionInputs.ContentNames.Should().BeSubsetOf(DeployInputs.Names);
        ActionInputs.Read(Env(("INPUT_VERIFY", "  "))).Settings.VerifyContent.Should().BeNull("a blank verify input means no verification");
    }

    [Fact]
    public void Read_SplitsDeployInputsFromPlatformSettings()
    {
        var (settings, errors) = ActionInputs.Read(Env(
            ("INPUT_RELEASE", "web"), ("INPUT_CHART", "./chart"), ("INPUT_NAMESPACE", "shop"),
            ("INPUT_SET", "a=1\nb=2"), ("INPUT_KUBECONFIG", Kubeconfig), ("INPUT_GITHUB-TOKEN", "ghs_abcdef"),
            ("INPUT_COMMIT_STATUS", "true"), ("INPUT_COMMENT-ON-PR", "false"), ("INPUT_ENVIRONMENT_URL", "https://shop.example"),
            ("INPUT_SECRETS", "pw-one\npw-two"), ("INPUT_UNRELATED", "ignored")));

        errors.Should().BeEmpty();
        settings.DeployInputs.Keys.Should().BeEquivalentTo("release", "chart", "namespace", "set", "secrets");
        settings.DeployInputs["set"].Should().Equal("a=1\nb=2");
        settings.KubeconfigContent.Should().Be(Kubeconfig);
        settings.Token.Should().Be("ghs_abcdef");
        settings.Report.Environment.Should().Be("shop", "the environment defaults to the namespace");
        settings.Report.EnvironmentUrl.Should().Be("https://shop.example");
        settings.Report.CommitStatus.Should().BeTrue();
        settings.Report.CommentOnPr.Should().BeFalse();
        settings.Report.DeploymentStatus.Should().BeTrue();
        settings.Report.ProductionEnvironment.Should().BeNull();
        settings.Secrets.Should().BeEquivalentTo("ghs_abcdef", "kube-token-123456", "pw-one", "pw-two");

        var (request, parseErrors) = DeployInputs.Parse(settings.DeployInputs);
        parseErrors.Should().BeEmpty();
        request!.Set.Should().Equal("a=1", "b=2");
    }

    [Fact]
    public void Read_ExtraArgs_AreOneArgumentALine_AsTheCoreReadsThem()
    {
        var (settings, _) = ActionInputs.Read(Env(("INPUT_EXTRA_ARGS", "--set-json=config={\"greeting\":\"hello world\"}\n--skip-crds --dependency-update\n")));

        DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>>(settings.DeployInputs) { ["release"] = ["web"], ["chart"] = ["./chart"] })
            .Request!.ExtraArgs.Should().Equal("--set-json=config={\"greeting\":\"hello world\"}", "--skip-crds", "--dependency-update");
    }

    [Fact]
    public void Read_WithNothing_UsesTheDefaults()
    {
        var (settings, errors) = ActionInputs.Read(Env());

        errors.Should().BeEmpty();
        settings.Report.Environment.Should().Be("default");
        settings.Report.CommentOnPr.Should().BeTrue();
        settings.Report.DeploymentStatus.Should().BeTrue();
        settings.Report.CommitStatus.Should().BeFalse();
        settings.Report.TransientEnvironment.Should().BeFalse();
        settings.Token.Should().BeNull();
    }

    [Fact]
    public void Read_AMalformedBoolean_IsAnErrorNamingTheInput_AndTheSecretsAreStillKnown()
    {
        var (settings, errors) = ActionInputs.Read(Env(("INPUT_DEPLOYMENT_STATUS", "maybe"), ("INPUT_GITHUB_TOKEN", "ghs_abcdef")));

        errors.Should().ContainSingle().Which.ToString().Should().Be("deployment-status: 'maybe' is not a boolean; expected true or false.");
        settings.Secrets.Should().Contain("ghs_abcdef");
    }

    [Fact]
    public void MaskCommands_RegisterEverySecretWholeLineByLineAndInBase64()
    {
        var (settings, _) = ActionInputs.Read(Env(("INPUT_SECRETS", "pw-one"), ("INPUT_KUBECONFIG", Kubeconfig)));

        var lines = GitHubAction.MaskCommands(settings);

        lines.Should().Contain("::add-mask::pw-one").And.Contain("::add-mask::cHctb25l").And.Contain("::add-mask::kube-token-123456");
        lines.Should().Contain(l => l.StartsWith("::add-mask::apiVersion: v1%0A", StringComparison.Ordinal), "the whole kubeconfig, escaped");
        lines.Should().NotContain("::add-mask::kind: Config", "lines of the kubeconfig that are not credentials stay readable");
    }

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
