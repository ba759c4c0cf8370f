using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Helm;

/// <summary>The real Helm 3.17.2 and 4.1.4 binaries, offline: version, template, lint and their real error texts.</summary>
public sealed class RealHelmTests : IDisposable
{
    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    private CliWrapHelmProcess Process() => new(_home.Environment.AsReadOnly());

    private Task<HelmProcessResult> Helm(int major, params string[] args) =>
        Process().RunAsync(new HelmInvocation(Tools.Helm(major), args));

    [Theory]
    [InlineData(3, "v3.17.2")]
    [InlineData(4, "v4.1.4")]
    public async Task VersionDetection_ReadsEachBinarysMajor(int major, string expected)
    {
        var log = new RecordingLog();
        var cli = new HelmCli(Process(), Tools.Helm(major), log, SecretMasker.None, HelmCli.Pipeline(new HelmRetryOptions(), TimeProvider.System, log, SecretMasker.None));

        var version = await cli.VersionAsync(CancellationToken.None);

        version.Major.Should().Be(major);
        version.Text.Should().StartWith(expected);
        version.IsSupported.Should().BeTrue();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task FixtureChart_TemplatesAndLintsCleanly(int major)
    {
        var chart = Tools.Chart("fixture-web");

        var template = await Helm(major, "template", "web", chart, "--namespace", "shop");
        var lint = await Helm(major, "lint", chart);

        template.ExitCode.Should().Be(0, template.StandardError);
        template.StandardOutput.Should().Contain("kind: Deployment").And.Contain("image: \"nginx:1.25.0\"");
        lint.ExitCode.Should().Be(0, lint.StandardOutput + lint.StandardError);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task SchemaViolation_IsAPermanentError(int major)
    {
        var result = await Helm(major, "template", "web", Tools.Chart("fixture-web"), "--set", "replicaCount=many");

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("values don't meet the specifications of the schema");
        HelmErrorClassifier.Classify(result.StandardError).Should().Be(HelmErrorClass.Permanent);
        HelmRetry.IsTransientFailure(result).Should().BeFalse();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task MissingChartPath_IsAPermanentError(int major)
    {
        var result = await Helm(major, "template", "web", "./no-such-chart");

        result.StandardError.Should().Contain("not found");
        HelmErrorClassifier.Classify(result.StandardError).Should().Be(HelmErrorClass.Permanent);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task RefusedConnection_IsATransientError(int major)
    {
        var kubeconfig = Path.Combine(_home.Root, "refused.yaml");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfigs.Refused);

        var result = await Helm(major, "history", "web", "--kubeconfig", kubeconfig, "-o", "json");

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().ContainEquivalentOf("cluster unreachable");
        HelmErrorClassifier.Classify(result.StandardError).Should().Be(HelmErrorClass.Transient);
    }

    [Fact]
    public async Task CliWrapProcess_ReportsAMissingBinary()
    {
        var act = () => Process().RunAsync(new HelmInvocation("/no/such/helm", ["version"]));

        await act.Should().ThrowAsync<HelmNotFoundException>().WithMessage("*/no/such/helm*");
    }
}
