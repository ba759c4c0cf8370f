using System.Net;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class ServedVersionsTests : IAsyncLifetime
{
    private KubeSimulator _simulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _simulator = await KubeSimulator.StartAsync(new SimulatorOptions { Cluster = ClusterConfig.Parse("unservedApiVersions: [batch/v1]") });
        _http = new HttpClient { BaseAddress = _simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task An_unserved_group_version_leaves_discovery_and_its_resources_are_404()
    {
        // Act
        var groups = await GetAsync("/apis");
        var group = await _http.GetAsync(new Uri("/apis/batch", UriKind.Relative));
        var resources = await _http.GetAsync(new Uri("/apis/batch/v1", UriKind.Relative));
        var jobs = await _http.GetAsync(new Uri("/apis/batch/v1/namespaces/default/jobs", UriKind.Relative));
        var create = await _http.PostAsync(new Uri("/apis/batch/v1/namespaces/default/jobs", UriKind.Relative), new StringContent("""{"metadata":{"name":"j"}}"""));

        // Assert
        _simulator.UnservedApiVersions.Should().Equal("batch/v1");
        Names(groups).Should().Equal("apps", "apiextensions.k8s.io");
        foreach (var response in new[] { group, resources, jobs, create })
        {
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().Should().Be("the server could not find the requested resource");
        }

        _simulator.Store.List(ResourceTypes.Jobs, "default").Should().BeEmpty();
    }

    [Fact]
    public async Task Unserve_and_Serve_change_what_is_served_while_the_objects_stay()
    {
        // Arrange
        _simulator.Serve("batch/v1");
        (await _http.PostAsync(new Uri("/apis/batch/v1/namespaces/default/jobs", UriKind.Relative),
            new StringContent("""{"metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.36"}]}}}}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);

        // Act
        _simulator.Unserve("apps/v1");
        _simulator.Unserve("batch/v1");
        var whileUnserved = (Groups: Names(await GetAsync("/apis")), Job: (await _http.GetAsync(new Uri("/apis/batch/v1/namespaces/default/jobs/j", UriKind.Relative))).StatusCode);
        _simulator.Serve("batch/v1");
        var served = (await _http.GetAsync(new Uri("/apis/batch/v1/namespaces/default/jobs/j", UriKind.Relative))).StatusCode;
        var unknown = () => _simulator.Unserve("networking.k8s.io/v1");

        // Assert
        whileUnserved.Groups.Should().Equal("apiextensions.k8s.io");
        whileUnserved.Job.Should().Be(HttpStatusCode.NotFound);
        served.Should().Be(HttpStatusCode.OK);
        _simulator.UnservedApiVersions.Should().Equal("apps/v1");
        (await GetAsync("/api"))["versions"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("v1");
        unknown.Should().Throw<ArgumentException>().WithMessage("'networking.k8s.io/v1' is not a group-version of the simulator*");
    }

    private static IEnumerable<string> Names(JsonObject groups) => groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToList();

    private async Task<JsonObject> GetAsync(string path) =>
        JsonNode.Parse(await _http.GetStringAsync(new Uri(path, UriKind.Relative)))!.AsObject();
}
