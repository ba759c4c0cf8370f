using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Helm;

/// <summary><c>helm version</c> asked once per binary: the answer is kept by path, size and modification time, and a
/// binary that changed, moved or went away is asked again.</summary>
public sealed class HelmVersionCacheTests : IDisposable
{
    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    private string Folder => Path.Combine(_home.Root, "cache", "helm-sentinel");

    private string FakeHelm(string name = "helm", string content = "#!/bin/sh\n")
    {
        var bin = Path.Combine(_home.Root, "bin");
        Directory.CreateDirectory(bin);
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, content);
        return path;
    }

    private HelmCli Cli(ScriptedHelmProcess process, string helmPath, HelmVersionCache? cache)
    {
        var log = new RecordingLog();
        return new HelmCli(process, helmPath, log, SecretMasker.None, HelmCli.Pipeline(new HelmRetryOptions(), TimeProvider.System, log, SecretMasker.None), cache);
    }

    [Fact]
    public async Task ASecondDeployWithTheSameBinary_DoesNotRunHelmVersion()
    {
        var helm = FakeHelm();
        var process = new ScriptedHelmProcess().Then("version", ScriptedHelmProcess.Ok("v4.1.4+g05fa379\n"));

        var first = await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);
        var second = await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        first.Should().Be(new HelmVersion(4, 1, 4, "v4.1.4+g05fa379"));
        second.Should().Be(first);
        process.Commands.Should().Equal(["version"], "the second engine found the answer in the cache file the first wrote");
    }

    [Fact]
    public async Task ABinaryReplacedInPlace_IsAskedAgain()
    {
        var helm = FakeHelm();
        var process = new ScriptedHelmProcess()
            .Then("version", ScriptedHelmProcess.Ok("v3.17.2+gcc0bbbd\n"))
            .Then("version", ScriptedHelmProcess.Ok("v4.1.4+g05fa379\n"));
        await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        // Another helm at the same path: other bytes, another size and modification time.
        File.WriteAllText(helm, "#!/bin/sh\n# helm 4\n");
        File.SetLastWriteTimeUtc(helm, DateTime.UtcNow.AddMinutes(1));
        var after = await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        after.Major.Should().Be(4);
        process.Commands.Should().Equal("version", "version");
    }

    [Fact]
    public async Task ABinaryTouchedWithTheSameSize_IsAskedAgain()
    {
        var helm = FakeHelm();
        var process = new ScriptedHelmProcess().Always("version", ScriptedHelmProcess.Ok("v3.17.2+gcc0bbbd\n"));
        await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        File.SetLastWriteTimeUtc(helm, File.GetLastWriteTimeUtc(helm).AddSeconds(5));
        await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        process.Commands.Should().Equal("version", "version");
    }

    [Fact]
    public async Task AMissingBinary_IsNeverAnsweredFromTheCache()
    {
        var helm = FakeHelm();
        var process = new ScriptedHelmProcess()
            .Then("version", ScriptedHelmProcess.Ok("v4.1.4+g05fa379\n"))
            .Then("version", ScriptedHelmProcess.Fail("no such file"));
        await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);
        File.Delete(helm);

        var act = () => Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        await act.Should().ThrowAsync<HelmNotFoundException>("a helm that is gone must be reported as gone, not remembered");
    }

    [Fact]
    public async Task ABareName_IsKeyedByTheFileItResolvesToOnThePath()
    {
        var helm = FakeHelm();
        var cache = new HelmVersionCache(Folder, string.Join(Path.PathSeparator, "/nonexistent", Path.GetDirectoryName(helm)));
        var process = new ScriptedHelmProcess().Then("version", ScriptedHelmProcess.Ok("v4.1.4+g05fa379\n"));

        await Cli(process, "helm", cache).VersionAsync(CancellationToken.None);

        cache.Find(helm).Should().NotBeNull("the bare name and the full path are the same binary");
        new HelmVersionCache(Folder, "/nonexistent").Find("helm").Should().BeNull("on another PATH, helm is another binary or none");
    }

    [Fact]
    public async Task AnUnreadableCacheFile_IsAMiss_AndIsReplaced()
    {
        var helm = FakeHelm();
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "helm-versions-v1.json"), "{ not json");
        var process = new ScriptedHelmProcess().Then("version", ScriptedHelmProcess.Ok("v3.17.2+gcc0bbbd\n"));

        var version = await Cli(process, helm, new HelmVersionCache(Folder, null)).VersionAsync(CancellationToken.None);

        version.Major.Should().Be(3);
        new HelmVersionCache(Folder, null).Find(helm).Should().Be(version);
        Directory.GetFiles(Folder).Select(Path.GetFileName).Should().Equal("helm-versions-v1.json");
    }

    [Fact]
    public async Task WithoutACache_HelmIsAskedEveryTime()
    {
        var helm = FakeHelm();
        var process = new ScriptedHelmProcess().Always("version", ScriptedHelmProcess.Ok("v4.1.4+g05fa379\n"));

        await Cli(process, helm, null).VersionAsync(CancellationToken.None);
        await Cli(process, helm, null).VersionAsync(CancellationToken.None);

        process.Commands.Should().Equal("version", "version");
    }

    [Fact]
    public void TheUsersCacheFolder_FollowsXdgThenHome_AndIsNoneWithoutEither()
    {
        Func<string, string?> Variables(params (string Name, string Value)[] set) => name => set.FirstOrDefault(v => v.Name == name).Value;
        var xdg = HelmVersionCache.ForUser(Variables(("XDG_CACHE_HOME", "/x/cache"), ("HOME", "/home/u")));
        var home = HelmVersionCache.ForUser(Variables(("HOME", "/home/u")));

        if (OperatingSystem.IsWindows())
        {
            return; // %LOCALAPPDATA% there
        }

        xdg.Should().NotBeNull();
        home.Should().NotBeNull();
        HelmVersionCache.ForUser(Variables()).Should().BeNull("no folder is named, so nothing is written anywhere");
        HelmVersionCache.ForUser(Variables(("HOME", "relative/home"))).Should().BeNull("a relative HOME would write into the working directory");
    }

    [Fact]
    public async Task TheCacheFile_IsWrittenUnderTheUsersCacheFolder()
    {
        var helm = FakeHelm();
        var cacheHome = Path.Combine(_home.Root, "xdg");
        var cache = HelmVersionCache.ForUser(name => name == "XDG_CACHE_HOME" ? cacheHome : null)!;
        var process = new ScriptedHelmProcess().Then("version", ScriptedHelmProcess.Ok("v4.1.4+g05fa379\n"));

        await Cli(process, helm, cache).VersionAsync(CancellationToken.None);

        File.Exists(Path.Combine(cacheHome, "helm-sentinel", "helm-versions-v1.json")).Should().BeTrue();
    }
}
