using System.Net;
using System.Net.Http.Headers;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class BearerTokenTests
{
    [Fact]
    public async Task With_a_bearer_token_requests_without_it_are_401_and_the_control_surface_stays_open()
    {
        // Arrange
        await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions { BearerToken = "s3cret" });
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };

        // Act
        using var anonymous = await http.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces", UriKind.Relative));
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        using var wrongAnswer = await http.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces", UriKind.Relative));
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        using var rightAnswer = await http.SendAsync(right);
        using var control = await http.GetAsync(new Uri("/_sim/requests", UriKind.Relative));

        // Assert
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.Content.ReadAsStringAsync()).Should().Contain("\"reason\":\"Unauthorized\"").And.Contain("\"code\":401");
        wrongAnswer.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        rightAnswer.StatusCode.Should().Be(HttpStatusCode.OK);
        control.StatusCode.Should().Be(HttpStatusCode.OK);
        simulator.KubeconfigYaml().Should().Contain("token: s3cret");
    }
}
