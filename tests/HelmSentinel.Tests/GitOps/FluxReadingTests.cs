using System.Text.Json.Nodes;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Kube;

namespace HelmSentinel.Tests.GitOps;

public sealed class FluxReadingTests
{
    private const string Sha = "abc1234def5678abc1234def5678abc1234def56";
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("main@sha1:" + Sha, Sha, true)]
    [InlineData("main@sha1:" + Sha, "ABC1234", true)]
    [InlineData("v1.0.1@sha1:" + Sha, "abc1234d", true)]
    [InlineData("main/" + Sha, "abc1234", true)]
    [InlineData("main@sha1:" + Sha, "abc123", false)]
    [InlineData("main@sha1:" + Sha, "bc1234d", false)]
    [InlineData("main@sha1:" + Sha, "xyz1234", false)]
    [InlineData(null, "abc1234", false)]
    public void NamesRevision_matches_the_sha_or_an_abbreviation_of_at_least_seven(string? revision, string wanted, bool expected) =>
        FluxReading.NamesRevision(revision, wanted).Should().Be(expected);

    [Fact]
    public void A_failed_health_check_of_the_attempted_revision_is_at_the_revision_and_degraded()
    {
        // Arrange: kustomize-controller attempted the new commit; lastAppliedRevision stays at the old one
        var kustomization = Kustomization("""
            {"lastAttemptedRevision":"main@sha1:abc1234def5678abc1234def5678abc1234def56","lastAppliedRevision":"main@sha1:0000000000000000000000000000000000000000",
             "conditions":[{"type":"Ready","status":"False","reason":"HealthCheckFailed","message":"health check failed after 30s: timeout waiting for: [Deployment/apps/web status: 'InProgress']","observedGeneration":1}]}
            """);

        // Act
        var reading = FluxReading.Read(kustomization, [], "abc1234", At);

        // Assert
        reading.AtRevision.Should().BeTrue();
        reading.Health.Should().Be(AppHealth.Degraded);
        reading.Failure.Should().StartWith("Kustomization flux-system/site: Ready=False HealthCheckFailed: health check failed after 30s");
        reading.Revision.Should().Be(Sha);
    }

    [Fact]
    public void An_attempt_still_running_is_not_at_the_revision_and_progressing()
    {
        // Arrange
        var kustomization = Kustomization("""
            {"lastAttemptedRevision":"main@sha1:abc1234def5678abc1234def5678abc1234def56","lastAppliedRevision":"main@sha1:0000000000000000000000000000000000000000",
             "conditions":[{"type":"Ready","status":"Unknown","reason":"Progressing","message":"Reconciliation in progress","observedGeneration":1},
                           {"type":"Reconciling","status":"True","reason":"Progressing","observedGeneration":1}]}
            """);

        // Act
        var reading = FluxReading.Read(kustomization, [], "abc1234", At);

        // Assert
        reading.AtRevision.Should().BeFalse();
        reading.Health.Should().Be(AppHealth.Progressing);
        reading.Failure.Should().BeNull();
        reading.Sync.Should().Be("Kustomization flux-system/site Ready=Unknown Progressing at main@sha1:abc1234");
    }

    [Theory]
    [InlineData("""[{"type":"Ready","status":"False","reason":"InstallFailed","message":"m","observedGeneration":1}]""", AppHealth.Degraded)]
    [InlineData("""[{"type":"Ready","status":"False","reason":"DependencyNotReady","message":"m","observedGeneration":1}]""", AppHealth.Progressing)]
    [InlineData("""[{"type":"Ready","status":"True","reason":"InstallSucceeded","observedGeneration":1},{"type":"Stalled","status":"True","reason":"RetriesExceeded","message":"Failed to install after 1 attempt(s)"}]""", AppHealth.Degraded)]
    [InlineData("""[{"type":"Ready","status":"True","reason":"UpgradeSucceeded","observedGeneration":1},{"type":"Reconciling","status":"True","reason":"Progressing"}]""", AppHealth.Progressing)]
    [InlineData("""[{"type":"Ready","status":"True","reason":"UpgradeSucceeded","observedGeneration":0}]""", AppHealth.Progressing)]
    [InlineData("""[{"type":"Ready","status":"True","reason":"UpgradeSucceeded","observedGeneration":1}]""", AppHealth.Healthy)]
    [InlineData("[]", AppHealth.Progressing)]
    public void Health_follows_the_conditions(string conditions, AppHealth expected) =>
        FluxReading.Health(Kustomization($$"""{"conditions":{{conditions}}}""")).Should().Be(expected);

    [Fact]
    public void Without_helm_releases_the_history_is_the_kustomizations_newest_last()
    {
        // Arrange
        var kustomization = Kustomization("""
            {"lastAppliedRevision":"main@sha1:abc1234def5678abc1234def5678abc1234def56",
             "conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded","observedGeneration":1}],
             "history":[{"lastReconciled":"2026-01-02T00:00:00Z","lastReconciledStatus":"ReconciliationSucceeded","metadata":{"revision":"main@sha1:abc1234def5678abc1234def5678abc1234def56"}},
                        {"lastReconciled":"2026-01-01T00:00:00Z","lastReconciledStatus":"HealthCheckFailed","metadata":{"revision":"main@sha1:0000000000000000000000000000000000000000"}}]}
            """);

        // Act
        var reading = FluxReading.Read(kustomization, [], Sha, At);

        // Assert
        reading.AtRevision.Should().BeTrue();
        reading.History.Select(h => (h.Id, h.Status)).Should().Equal((1L, "HealthCheckFailed"), (2L, "ReconciliationSucceeded"));
        reading.History[^1].Revision.Should().EndWith(Sha);
    }

    [Fact]
    public void A_suspended_kustomization_does_not_sync_by_itself() =>
        FluxReading.Read(Kustomization("{}", """{"suspend":true}"""), [], Sha, At).AutomatedSync.Should().BeFalse();

    private static JsonObject Kustomization(string status, string spec = "{}") => JsonNode.Parse($$"""
        {"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization",
         "metadata":{"name":"site","namespace":"flux-system","generation":1},"spec":{{spec}},"status":{{status}}}
        """)!.AsObject();
}
