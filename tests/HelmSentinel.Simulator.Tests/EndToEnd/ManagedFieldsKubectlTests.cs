namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class ManagedFieldsKubectlTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    /// <summary>Helm 3 creates (an Update entry), Helm 4 applies (an Apply entry); either way kubectl's scale takes
    /// replicas. kubectl hides managedFields unless asked, as it does against a real cluster.</summary>
    [Theory]
    [InlineData(3, "Update")]
    [InlineData(4, "Apply")]
    public async Task Kubectl_scale_of_a_Helm_release_shows_a_scale_entry_owning_replicas(int major, string helmOperation)
    {
        // Arrange
        var chart = Path.Combine(_session.Root, "chart");
        (await _session.HelmAsync(major, "create", chart)).ExitCode.Should().Be(0);
        var install = await _session.HelmAsync(major, "install", "web", chart, "--timeout", "60s");
        install.ExitCode.Should().Be(0, install.ToString());

        // Act
        var scale = await _session.KubectlAsync("scale", "deployment/web-chart", "--replicas=2");
        var shown = await _session.KubectlAsync("get", "deployment", "web-chart", "-o", "yaml", "--show-managed-fields");
        var plain = await _session.KubectlAsync("get", "deployment", "web-chart", "-o", "yaml");
        var upgrade = await _session.HelmAsync(major, "upgrade", "web", chart, "--set", "image.tag=1.27", "--timeout", "60s");

        // Assert
        scale.ExitCode.Should().Be(0, scale.ToString());
        shown.ExitCode.Should().Be(0, shown.ToString());
        var yaml = shown.StandardOutput;
        yaml.Should().Contain("  managedFields:\n");
        var helm = Section(yaml, "manager: helm");
        var kubectl = Section(yaml, "manager: kubectl");
        helm.Should().Contain($"operation: {helmOperation}").And.Contain("f:template:").And.NotContain("f:replicas:");
        kubectl.Should().Contain("operation: Update").And.Contain("subresource: scale").And.Contain("f:replicas: {}");
        plain.StandardOutput.Should().NotContain("managedFields");
        if (major == 4)
        {
            upgrade.StandardError.Should().Contain("conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
        }
        else
        {
            upgrade.ExitCode.Should().Be(0, "Helm 3's client-side patch knows no conflicts: " + upgrade);
        }
    }

    /// <summary>The managedFields entry that names <paramref name="manager"/>: from the list item it is in to the next one.</summary>
    private static string Section(string yaml, string manager)
    {
        var lines = yaml.Split('\n');
        var at = Array.FindIndex(lines, l => l.TrimStart(' ', '-') == manager);
        at.Should().BeGreaterThan(0, $"an entry with {manager}");
        var start = Array.FindLastIndex(lines, at, l => l.StartsWith("  - ", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, at + 1, l => l.StartsWith("  - ", StringComparison.Ordinal) || !l.StartsWith("    ", StringComparison.Ordinal));
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }
}
