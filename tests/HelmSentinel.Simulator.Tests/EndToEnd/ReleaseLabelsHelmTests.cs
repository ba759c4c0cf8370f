using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

/// <summary>Helm's release labels (<c>--labels</c>) against the simulator: stored on the release Secret, merged with the previous
/// revision's (<c>null</c> deletes), copied by a rollback from its target, and refused by the API server (not by helm) when
/// they are not label-safe.</summary>
public sealed class ReleaseLabelsHelmTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Release_labels_merge_delete_with_null_follow_a_rollback_and_are_validated_by_the_server(int major)
    {
        // Arrange
        var release = $"lab{major}";
        var chart = Path.Combine(_session.Root, "chart" + major);
        (await _session.HelmAsync(major, "create", chart)).ExitCode.Should().Be(0);

        // Act
        var first = await _session.HelmAsync(major, "upgrade", "--install", release, chart, "--labels", "helm-sentinel/cm.shared=ab12.7,team=a");
        var second = await _session.HelmAsync(major, "upgrade", release, chart, "--labels", "team=null,helm-sentinel/cm.other=cd34.9");
        var rollback = await _session.HelmAsync(major, "rollback", release, "1");
        var refused = await _session.HelmAsync(major, "upgrade", release, chart, "--labels", "commit=main@sha1:abc");

        // Assert
        first.ExitCode.Should().Be(0, first.ToString());
        second.ExitCode.Should().Be(0, second.ToString());
        rollback.ExitCode.Should().Be(0, rollback.ToString());
        Custom(release, 1).Should().Equal(new Dictionary<string, string> { ["helm-sentinel/cm.shared"] = "ab12.7", ["team"] = "a" });
        Custom(release, 2).Should().Equal(new Dictionary<string, string> { ["helm-sentinel/cm.shared"] = "ab12.7", ["helm-sentinel/cm.other"] = "cd34.9" });
        Custom(release, 3).Should().Equal(Custom(release, 1), "a rollback copies its target's labels");
        refused.ExitCode.Should().NotBe(0);
        refused.ToString().Should().Contain("metadata.labels: Invalid value: \"main@sha1:abc\"");
        _session.Simulator.Store.Get(ResourceTypes.Secrets, "default", $"sh.helm.release.v1.{release}.v4").Should().BeNull();
    }

    private Dictionary<string, string> Custom(string release, int revision) =>
        _session.Simulator.Store.Get(ResourceTypes.Secrets, "default", $"sh.helm.release.v1.{release}.v{revision}")!["metadata"]!["labels"]!.AsObject()
            .Where(p => p.Key is not ("name" or "owner" or "status" or "version" or "createdAt" or "modifiedAt"))
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
}
