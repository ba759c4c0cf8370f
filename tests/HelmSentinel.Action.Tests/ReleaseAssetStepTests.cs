using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HelmSentinel.TestSupport;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// The composite action's first step, run by bash as the runner runs it, against a local server that answers as GitHub's
/// release downloads do: a release's asset is used only when its SHA-256 is the one the release lists; a release without
/// it, or a ref that is no version, builds from source; a mismatch fails the step and leaves nothing to run.
/// </summary>
public sealed class ReleaseAssetStepTests : IAsyncLifetime, IDisposable
{
    private const string Asset = "helm-sentinel-action-linux-x64";
    private static readonly byte[] Executable = Encoding.UTF8.GetBytes("#!/bin/sh\necho released helm-sentinel\n");

    private readonly IsolatedHome _home = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private LocalHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LocalHttpServer.StartAsync(async http =>
    {
        var path = http.Request.Path.Value ?? "";
        _requests.Enqueue(path);
        if (_files.TryGetValue(path, out var body))
        {
            await http.Response.Body.WriteAsync(body);
            return;
        }

        http.Response.StatusCode = 404;
    });

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task AReleaseAsset_WhoseSumMatches_IsTheOneThatRuns()
    {
        Publish("v1.2.3", Executable, Sum(Executable));

        var (result, path) = await RunStepAsync("v1.2.3");

        result.ExitCode.Should().Be(0, result.ToString());
        path.Should().NotBeNull().And.EndWith("/" + Asset);
        File.ReadAllBytes(path!).Should().Equal(Executable);
        (await ProcessRunner.RunAsync(path!, [])).StandardOutput.Should().Be("released helm-sentinel\n", "it is executable");
        _requests.Should().Equal("/acme/helm-sentinel/releases/download/v1.2.3/SHA256SUMS", "/acme/helm-sentinel/releases/download/v1.2.3/" + Asset);
    }

    [Fact]
    public async Task AnAssetThatDoesNotMatchItsSum_FailsTheStep_AndIsNotKept()
    {
        Publish("v1.2.3", Executable, Sum(Encoding.UTF8.GetBytes("another build")));

        var (result, path) = await RunStepAsync("v1.2.3");

        result.ExitCode.Should().Be(1);
        result.StandardOutput.Should().Contain("::error::helm-sentinel: " + Asset + " of release v1.2.3 does not match its SHA-256");
        path.Should().BeNull("nothing is left for the deploy step to run");
        Directory.EnumerateFiles(_home.Root, Asset, SearchOption.AllDirectories).Should().BeEmpty("the download is deleted");
    }

    [Fact]
    public async Task AReleaseWithoutTheAsset_BuildsFromSource()
    {
        _files["/acme/helm-sentinel/releases/download/v1.2.3/SHA256SUMS"] = Encoding.UTF8.GetBytes($"{Sum(Executable)}  helm-sentinel-linux-x64\n");

        var (result, path) = await RunStepAsync("v1.2.3");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("release v1.2.3 has no asset " + Asset + "; building from source");
        path.Should().BeNull();
    }

    [Theory]
    [InlineData("main")]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    public async Task ARefThatIsNoVersion_BuildsFromSource_WithoutAsking(string reference)
    {
        Publish(reference, Executable, Sum(Executable));

        var (result, path) = await RunStepAsync(reference);

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Contain("no release asset for ref");
        path.Should().BeNull();
        _requests.Should().BeEmpty();
    }

    private void Publish(string reference, byte[] asset, string sum)
    {
        var prefix = $"/acme/helm-sentinel/releases/download/{reference}/";
        _files[prefix + Asset] = asset;
        _files[prefix + "SHA256SUMS"] = Encoding.UTF8.GetBytes($"{Sum(Encoding.UTF8.GetBytes("cli"))}  helm-sentinel-linux-x64\n{sum}  {Asset}\n");
    }

    private static string Sum(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    // The step's script from action.yml, with the environment the runner gives it on a Linux x64 runner.
    private async Task<(ProcessResult Result, string? Path)> RunStepAsync(string reference)
    {
        var script = Path.Combine(_home.Root, "step.sh");
        File.WriteAllText(script, StepScript());
        var output = Path.Combine(_home.Root, "github-output");
        File.WriteAllText(output, "");
        var result = await ProcessRunner.RunAsync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script],
        [
            new("RUNNER_OS", "Linux"), new("RUNNER_ARCH", "X64"), new("RUNNER_TEMP", _home.Root), new("GITHUB_OUTPUT", output),
            new("GITHUB_SERVER_URL", _server.BaseAddress.AbsoluteUri.TrimEnd('/')), new("REF", reference), new("REPOSITORY", "acme/helm-sentinel"),
        ]);
        var path = File.ReadAllLines(output).Where(l => l.StartsWith("path=", StringComparison.Ordinal)).Select(l => l["path=".Length..]).SingleOrDefault();
        return (result, path);
    }

    private static string StepScript()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Tools.RepoRoot, "action.yml")))
        {
            yaml.Load(reader);
        }

        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["runs"])["steps"];
        var step = steps.Children.OfType<YamlMappingNode>().Single(s => s.Children.TryGetValue(new YamlScalarNode("id"), out var id) && ((YamlScalarNode)id).Value == "asset");
        return ((YamlScalarNode)step["run"]).Value!;
    }
}
