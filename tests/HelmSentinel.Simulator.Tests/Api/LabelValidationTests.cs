using System.Net;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class LabelValidationTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private const string ValueSyntax =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private readonly SimulatorHttp _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    private static string ConfigMap(string labels) => """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{""" + labels + "}}}";

    [Theory]
    [InlineData("\"commit\":\"main@sha1:abc\"", "metadata.labels: Invalid value: \"main@sha1:abc\": " + ValueSyntax)]
    [InlineData("\"v\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "metadata.labels: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 63 characters")]
    [InlineData("\"-bad\":\"x\"", "metadata.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    [InlineData("\"Example.com/x\":\"y\"", "metadata.labels: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    public async Task A_label_the_apiserver_refuses_is_422_on_create(string labels, string error)
    {
        // Act
        var response = await _api.SendAsync("POST", ConfigMaps, ConfigMap(labels));

        // Assert
        response.StatusCode.Should().Be((HttpStatusCode)422);
        (await SimulatorHttp.ReadJsonAsync(response))["message"]!.GetValue<string>().Should().Be("ConfigMap \"cfg\" is invalid: " + error);
        _api.Simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "cfg").Should().BeNull();
    }

    [Fact]
    public async Task Valid_labels_pass_and_an_update_to_a_bad_one_is_refused()
    {
        // Arrange
        var created = await _api.SendAsync("POST", ConfigMaps, ConfigMap("\"helm-sentinel/cm.shared-config\":\"0123abcd.42\",\"empty\":\"\",\"a_b.c-D\":\"Z\""));
        created.StatusCode.Should().Be(HttpStatusCode.Created);

        // Act
        var patched = await _api.SendAsync("PATCH", ConfigMaps + "/cfg", """{"metadata":{"labels":{"empty":"bad value"}}}""", "application/merge-patch+json");

        // Assert
        patched.StatusCode.Should().Be((HttpStatusCode)422);
        _api.Simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "cfg")!["metadata"]!["labels"]!["empty"]!.GetValue<string>().Should().BeEmpty();
    }
}
