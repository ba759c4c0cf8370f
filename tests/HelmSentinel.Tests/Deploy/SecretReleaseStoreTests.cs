using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Plan;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.EndToEnd;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Deploy;

/// <summary>
/// The release history read from helm's release Secrets must be what <c>helm history -o json</c> prints, entry for entry,
/// in every state a release goes through (checked against the real Helm 3.17.2 and 4.1.4 on the simulator); a stored
/// revision's manifest and hooks must be what <c>helm get manifest</c> and <c>helm get hooks</c> print; and whatever the
/// store cannot read is asked of helm.
/// </summary>
public sealed class SecretReleaseStoreTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task TheStoredHistory_IsHelmHistory_InEveryStateOfARelease(int major)
    {
        var release = $"srs{major}";
        var target = new HelmTarget(release, release, Kubeconfig: cluster.Kubeconfig);
        using var store = new SecretReleaseStore();

        // Arrange / Act / Assert, state by state: none, installed, upgraded, a failed upgrade, rolled back, uninstalled
        // with its history kept.
        (await store.ReadAsync(target, CancellationToken.None)).Should().NotBeNull().And.BeEmpty("the release does not exist yet");
        await SameAsHelmAsync(major, store, target, "none");

        await HelmOkAsync(major, "upgrade", "--install", release, Tools.Chart("fixture-web"), "--namespace", release, "--create-namespace", "--wait", "--timeout", "60s");
        await SameAsHelmAsync(major, store, target, "installed");

        await HelmOkAsync(major, "upgrade", release, Tools.Chart("fixture-web"), "--namespace", release, "--set", "image.tag=1.27.0", "--description", "a hand-written description");
        await SameAsHelmAsync(major, store, target, "upgraded");

        var failed = await cluster.HelmAsync(major, "upgrade", release, Tools.Chart("fixture-web"), "--namespace", release, "--set", "image.repository=registry.example/missing", "--wait", "--timeout", "2s");
        failed.ExitCode.Should().NotBe(0, "an unpullable image never gets Ready");
        await SameAsHelmAsync(major, store, target, "failed");

        await HelmOkAsync(major, "rollback", release, "2", "--namespace", release);
        await SameAsHelmAsync(major, store, target, "rolled back");

        await HelmOkAsync(major, "uninstall", release, "--namespace", release, "--keep-history");
        var history = await SameAsHelmAsync(major, store, target, "uninstalled");
        history.Entries.Select(e => e.Revision).Should().Equal(1, 2, 3, 4);
        history.Latest!.Status.Should().Be(ReleaseStatus.Uninstalled);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AStoredRevision_HoldsTheManifestAndHooksHelmGetPrints(int major)
    {
        var release = $"srh{major}";
        var target = new HelmTarget(release, release, Kubeconfig: cluster.Kubeconfig);
        await HelmOkAsync(major, "upgrade", "--install", release, Tools.Chart("fixture-tested"), "--namespace", release, "--create-namespace");
        using var store = new SecretReleaseStore();
        var viaStore = Cli(major, new RecordingLog(), store);
        var viaHelm = Cli(major, new RecordingLog(), null);

        await viaStore.HistoryAsync(target, CancellationToken.None);
        var (manifest, hooks) = await viaStore.StoredManifestAsync(target, 1, CancellationToken.None);
        var (helmManifest, helmHooks) = await viaHelm.StoredManifestAsync(target, 1, CancellationToken.None);

        manifest.Trim().Should().Be(helmManifest.Trim(), "helm get manifest prints the record's manifest");
        hooks.Should().Be(helmHooks, "helm get hooks prints each hook as ---, # Source: PATH and its manifest");
        Manifest.Parse(hooks, release, hooks: true).Should().ContainSingle(o => o.IsHook, "fixture-tested has one test hook");
    }

    [Fact]
    public async Task WithoutAStoredRecord_TheManifestAndHooksComeFromHelmGet()
    {
        var process = new ScriptedHelmProcess()
            .Then("get", ScriptedHelmProcess.Ok("kind: ConfigMap\n"))
            .Then("get", ScriptedHelmProcess.Ok("---\n# Source: web/templates/hook.yaml\nkind: Job\n"));

        var (manifest, hooks) = await Cli(4, new RecordingLog(), null, process).StoredManifestAsync(new HelmTarget("shop", "prod"), 2, CancellationToken.None);

        process.Invocations.Select(i => string.Join(' ', i.Take(2))).Should().BeEquivalentTo(["get manifest", "get hooks"]);
        (manifest + hooks).Should().Contain("ConfigMap").And.Contain("Job");
    }

    [Fact]
    public async Task AClusterThatCannotBeReached_IsNoAnswer_AndHelmIsAsked()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"srs-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfigs.Refused);
        try
        {
            using var store = new SecretReleaseStore();
            var target = new HelmTarget("shop", "prod", Kubeconfig: kubeconfig);
            var process = new ScriptedHelmProcess().Then("history", ScriptedHelmProcess.Ok("""[{"revision":1,"updated":"2026-12-01T10:00:00Z","status":"deployed","chart":"web-1.0.0","app_version":"1.25","description":"Install complete"}]"""));

            var stored = await store.ReadAsync(target, CancellationToken.None);
            var history = await Cli(4, new RecordingLog(), store, process).HistoryAsync(target, CancellationToken.None);

            stored.Should().BeNull();
            history.Latest!.Chart.Should().Be("web-1.0.0", "helm answered when the store could not");
            process.Commands.Should().Equal("history");
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task AStoreThatAnswers_SavesTheHelmProcess()
    {
        var entry = new HistoryEntry(3, DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "deployed", "web-1.0.0", "1.25", "Upgrade complete");
        var process = new ScriptedHelmProcess();

        var history = await Cli(4, new RecordingLog(), new FixedStore([new StoredRevision(entry, "{}")]), process).HistoryAsync(new HelmTarget("shop", "prod"), CancellationToken.None);

        history.Entries.Should().Equal(entry);
        process.Invocations.Should().BeEmpty();
    }

    [Fact]
    public void Decode_ReadsGzippedAndPlainRecords_AsHelmDoes()
    {
        var list = SecretList(
            Record("""{"name":"web","version":2,"info":{"status":"deployed","last_deployed":"2026-12-01T10:00:00.123456789Z","description":"Upgrade complete"},"chart":{"metadata":{"name":"web","version":"1.2.0","appVersion":"1.25"}}}""", gzip: true),
            Record("""{"name":"web","version":1,"info":{"status":"superseded","description":"Install complete"}}""", gzip: false));

        var revisions = SecretReleaseStore.Decode(list, "web")!;

        revisions.Select(r => r.Entry).Should().Equal(
            new HistoryEntry(1, null, "superseded", "MISSING", "MISSING", "Install complete"),
            new HistoryEntry(2, ReleaseHistory.ParseGoTime("2026-12-01T10:00:00.123456789Z"), "deployed", "web-1.2.0", "1.25", "Upgrade complete"));
    }

    [Fact]
    public void Decode_ARecordOfAnotherReleaseOrWithoutAStatus_IsNoAnswer()
    {
        SecretReleaseStore.Decode(SecretList(Record("""{"name":"other","version":1,"info":{"status":"deployed"}}""", gzip: true)), "web").Should().BeNull();
        SecretReleaseStore.Decode(SecretList(Record("""{"name":"web","version":1,"info":{}}""", gzip: true)), "web").Should().BeNull();
        SecretReleaseStore.Decode(JsonDocument.Parse("""{"kind":"Status"}""").RootElement, "web").Should().BeNull();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("secret", true)]
    [InlineData("secrets", true)]
    [InlineData("configmap", false)]
    [InlineData("memory", false)]
    [InlineData("sql", false)]
    public void OnlyTheSecretDriver_IsReadDirectly(string? driver, bool read) =>
        DeployEngine.ReadsSecretStorage(driver).Should().Be(read);

    private async Task<ReleaseHistory> SameAsHelmAsync(int major, SecretReleaseStore store, HelmTarget target, string state)
    {
        var viaHelm = await Cli(major, new RecordingLog(), null).HistoryAsync(target, CancellationToken.None);
        var viaStore = await Cli(major, new RecordingLog(), store, new ScriptedHelmProcess()).HistoryAsync(target, CancellationToken.None);
        viaStore.Entries.Should().Equal(viaHelm.Entries, $"the stored history of a release {state} is helm's (Helm {major})");
        return viaStore;
    }

    private async Task HelmOkAsync(int major, params string[] args)
    {
        var result = await cluster.HelmAsync(major, args);
        result.ExitCode.Should().Be(0, result.StandardError);
    }

    private HelmCli Cli(int major, RecordingLog log, IReleaseStore? store, IHelmProcess? process = null) =>
        new(process ?? new CliWrapHelmProcess(cluster.Environment), Tools.Helm(major), log, SecretMasker.None,
            HelmCli.Pipeline(new HelmRetryOptions { MaxRetries = 0 }, TimeProvider.System, log, SecretMasker.None), store: store);

    private static string Record(string json, bool gzip)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (var zip = new GZipStream(buffer, CompressionLevel.Fastest))
            {
                zip.Write(bytes);
            }

            bytes = buffer.ToArray();
        }

        // helm's base64, and the API's base64 of the Secret's data on top.
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes)));
    }

    private static JsonElement SecretList(params string[] records) =>
        JsonDocument.Parse(new JsonObject
        {
            ["kind"] = "SecretList",
            ["items"] = new JsonArray([.. records.Select(r => (JsonNode)new JsonObject { ["data"] = new JsonObject { ["release"] = r } })]),
        }.ToJsonString()).RootElement;

    private sealed class FixedStore(IReadOnlyList<StoredRevision> revisions) : IReleaseStore
    {
        public Task<IReadOnlyList<StoredRevision>?> ReadAsync(HelmTarget target, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StoredRevision>?>(revisions);
    }
}
