using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Kube;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps;

/// <summary>
/// <see cref="FluxSource"/> against the simulator with Flux's CustomResourceDefinitions: the test writes the
/// Kustomization's and the HelmRelease's status through the API as Flux's controllers would, and asserts the readings.
/// </summary>
public sealed class FluxSourceTests : IAsyncLifetime
{
    private const string Old = "0123456789abcdef0123456789abcdef01234567";
    private const string New = "abc1234def5678abc1234def5678abc1234def56";
    private const string OneRelease = """[{"version":1,"chartVersion":"1.0.0","status":"deployed","name":"web","namespace":"apps","lastDeployed":"2026-01-01T00:00:00Z"}]""";
    private const string TwoReleases = """
        [{"version":2,"chartVersion":"1.1.0","status":"deployed","name":"web","namespace":"apps","lastDeployed":"2026-01-02T00:00:00Z"},
         {"version":1,"chartVersion":"1.0.0","status":"superseded","name":"web","namespace":"apps","lastDeployed":"2026-01-01T00:00:00Z"}]
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private FluxCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await FluxCluster.StartAsync();
        await _cluster.CreateSiteAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Ready_at_the_old_revision_is_not_at_the_wanted_one()
    {
        // Arrange
        await _cluster.KustomizationAppliedAsync("main@sha1:" + Old);
        await _cluster.HelmReleaseAsync(1, "True", "InstallSucceeded", "Helm install succeeded", OneRelease);
        await using var source = _cluster.Source(New);

        // Act
        var reading = await source.NextAsync(Timeout());

        // Assert
        reading.AtRevision.Should().BeFalse("Synced and Healthy at the old revision is the known false pass");
        reading.Health.Should().Be(AppHealth.Healthy);
        reading.Revision.Should().Be(Old);
        reading.Failure.Should().BeNull();
        source.Name.Should().Be("Flux Kustomization flux-system/site, HelmRelease apps/web");
    }

    [Fact]
    public async Task The_new_revision_applied_and_the_release_reconciled_is_at_the_revision_and_healthy()
    {
        // Arrange: the merge changed the HelmRelease's chart version, so its generation is 2
        await _cluster.SendAsync("PATCH", FluxCluster.HelmReleases + "/web", """{"spec":{"chart":{"spec":{"version":"1.1.0"}}}}""", "application/merge-patch+json");
        await _cluster.KustomizationAppliedAsync("main@sha1:" + New);
        await _cluster.HelmReleaseAsync(2, "True", "UpgradeSucceeded", "Helm upgrade succeeded for release apps/web.v2 with chart web@1.1.0", TwoReleases);
        await using var source = _cluster.Source(New[..7]);

        // Act
        var reading = await source.NextAsync(Timeout());

        // Assert
        reading.AtRevision.Should().BeTrue();
        reading.Health.Should().Be(AppHealth.Healthy);
        reading.Failure.Should().BeNull();
        reading.Sync.Should().Be("Kustomization flux-system/site Ready=True ReconciliationSucceeded at main@sha1:abc1234; HelmRelease apps/web Ready=True UpgradeSucceeded");
        reading.History.Select(h => (h.Id, h.Revision, h.Status)).Should().Equal((1L, "1.0.0", "superseded"), (2L, "1.1.0", "deployed"));
        reading.Resources.Select(r => r.ToString()).Should().Equal("HelmRelease/apps/web", "ConfigMap/apps/web-config", "Namespace/apps");
        reading.Resources[0].Health.Should().Be(AppHealth.Healthy);
        reading.Resources[1].Health.Should().Be(AppHealth.Unknown);
        reading.AutomatedSync.Should().BeTrue();
    }

    [Fact]
    public async Task A_failed_upgrade_at_the_revision_is_degraded_with_flux_words()
    {
        // Arrange
        await _cluster.SendAsync("PATCH", FluxCluster.HelmReleases + "/web", """{"spec":{"chart":{"spec":{"version":"1.1.0"}}}}""", "application/merge-patch+json");
        await _cluster.KustomizationAppliedAsync("main@sha1:" + New);
        await _cluster.HelmReleaseAsync(2, "False", "UpgradeFailed", "Helm upgrade failed for release apps/web with chart web@1.1.0: context deadline exceeded", OneRelease);
        await using var source = _cluster.Source(New);

        // Act
        var reading = await source.NextAsync(Timeout());

        // Assert
        reading.AtRevision.Should().BeTrue();
        reading.Health.Should().Be(AppHealth.Degraded);
        reading.Failure.Should().Be("HelmRelease apps/web: Ready=False UpgradeFailed: Helm upgrade failed for release apps/web with chart web@1.1.0: context deadline exceeded");
    }

    [Fact]
    public async Task A_remediated_release_is_degraded()
    {
        // Arrange
        await _cluster.SendAsync("PATCH", FluxCluster.HelmReleases + "/web", """{"spec":{"chart":{"spec":{"version":"1.1.0"}}}}""", "application/merge-patch+json");
        await _cluster.KustomizationAppliedAsync("main@sha1:" + New);
        await _cluster.HelmReleaseAsync(2, "False", "RollbackSucceeded", "Helm rollback to previous release apps/web.v1 succeeded", OneRelease, remediated: "RollbackSucceeded");
        await using var source = _cluster.Source(New);

        // Act
        var reading = await source.NextAsync(Timeout());

        // Assert
        reading.AtRevision.Should().BeTrue();
        reading.Health.Should().Be(AppHealth.Degraded);
        reading.Failure.Should().StartWith("HelmRelease apps/web: Ready=False RollbackSucceeded");
        reading.Resources[0].Message.Should().Contain("RollbackSucceeded");
    }

    [Fact]
    public async Task A_generation_not_yet_reconciled_is_not_at_the_revision_and_a_watch_event_wakes_the_next_reading()
    {
        // Arrange: Kustomization applied the new commit, which bumped the HelmRelease to generation 2; helm-controller still at 1
        await _cluster.HelmReleaseAsync(1, "True", "InstallSucceeded", "Helm install succeeded", OneRelease);
        await _cluster.SendAsync("PATCH", FluxCluster.HelmReleases + "/web", """{"spec":{"chart":{"spec":{"version":"1.1.0"}}}}""", "application/merge-patch+json");
        await _cluster.KustomizationAppliedAsync("main@sha1:" + New);
        await using var source = _cluster.Source(New);
        var first = await source.NextAsync(Timeout());

        // Act
        var next = source.NextAsync(Timeout());
        var waitedForAChange = !next.IsCompleted;
        await _cluster.HelmReleaseAsync(2, "True", "UpgradeSucceeded", "Helm upgrade succeeded", TwoReleases);
        var second = await next;

        // Assert
        first.AtRevision.Should().BeFalse("helm-controller has not reconciled generation 2");
        waitedForAChange.Should().BeTrue();
        second.AtRevision.Should().BeTrue();
        second.Health.Should().Be(AppHealth.Healthy);
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_a_cut_watch_is_opened_again()
    {
        // Arrange: two 503s and a reset on the first lists, and the first watch of the Kustomization cut
        await _cluster.KustomizationAppliedAsync("main@sha1:" + Old);
        await _cluster.HelmReleaseAsync(1, "True", "InstallSucceeded", "Helm install succeeded", OneRelease);
        var faults = _cluster.Simulator.Faults;
        var unavailable = faults.Add(new FaultRule { Kind = FaultKind.Status, Code = 503, Verb = "list", Resource = "kustomizations", ForRequests = 2 });
        var reset = faults.Add(new FaultRule { Kind = FaultKind.Reset, Verb = "list", Resource = "helmreleases", ForRequests = 1 });
        var cut = faults.Add(new FaultRule { Kind = FaultKind.WatchCut, Verb = "watch", Resource = "kustomizations", AfterTime = TimeSpan.FromMilliseconds(100), ForRequests = 1 });
        await using var source = _cluster.Source(New, new CustomObjectWatchOptions { RetryDelay = TimeSpan.FromMilliseconds(20), Retries = 3 });

        // Act
        var first = await source.NextAsync(Timeout());
        await Eventually.WaitUntilAsync(() => faults.Fired(cut.Id!) > 0, "the Kustomization's watch was cut");
        var next = source.NextAsync(Timeout());
        await _cluster.KustomizationAppliedAsync("main@sha1:" + New);
        var second = await next;

        // Assert
        faults.Fired(unavailable.Id!).Should().Be(2);
        faults.Fired(reset.Id!).Should().Be(1);
        first.Revision.Should().Be(Old);
        second.Revision.Should().Be(New);
        second.AtRevision.Should().BeTrue();
    }

    [Fact]
    public async Task A_missing_kustomization_is_not_found()
    {
        // Arrange
        await _cluster.SendAsync("DELETE", FluxCluster.Kustomizations + "/site", string.Empty);
        await using var source = _cluster.Source(New);

        // Act
        var reading = () => source.NextAsync(Timeout());

        // Assert
        (await reading.Should().ThrowAsync<GitOpsSourceException>())
            .Which.Failure.Should().Be(GitOpsSourceFailure.NotFound);
    }

    [Fact]
    public async Task An_unreachable_api_is_unreachable_after_the_retries()
    {
        // Arrange: the cluster stops; its kubeconfig names a port nobody listens on
        var kubeconfig = _cluster.Kubeconfig;
        await _cluster.Simulator.DisposeAsync();
        await using var source = _cluster.Source(New, kubeconfig: kubeconfig);

        // Act
        var reading = () => source.NextAsync(Timeout());

        // Assert
        (await reading.Should().ThrowAsync<GitOpsSourceException>())
            .Which.Failure.Should().Be(GitOpsSourceFailure.Unreachable);
    }

    [Fact]
    public async Task A_wrong_token_is_unauthorized_naming_the_kubeconfig_and_not_the_token()
    {
        // Arrange
        await using var guarded = await FluxCluster.StartAsync(new SimulatorOptions { BearerToken = "right-token" });
        var wrong = Path.Combine(guarded.Root, "wrong-kubeconfig");
        await File.WriteAllTextAsync(wrong, guarded.Simulator.KubeconfigYaml().Replace("right-token", "wrong-token", StringComparison.Ordinal));
        await using var source = guarded.Source(New, kubeconfig: wrong);

        // Act
        var reading = () => source.NextAsync(Timeout());

        // Assert
        var failure = (await reading.Should().ThrowAsync<GitOpsSourceException>()).Which;
        failure.Failure.Should().Be(GitOpsSourceFailure.Unauthorized);
        failure.Message.Should().Contain(wrong).And.Contain("401").And.NotContain("wrong-token");
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Patience).Token;
}
