using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Api;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class TableTests
{
    [Theory]
    [InlineData("""{"status":{"phase":"Pending"}}""", "Pending")]
    [InlineData("""{"status":{"phase":"Running","containerStatuses":[{"ready":true,"state":{"running":{}}}]}}""", "Running")]
    [InlineData("""{"status":{"phase":"Running","containerStatuses":[{"ready":false,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}""", "CrashLoopBackOff")]
    [InlineData("""{"status":{"phase":"Pending","containerStatuses":[{"ready":false,"state":{"waiting":{"reason":"ImagePullBackOff"}}}]}}""", "ImagePullBackOff")]
    [InlineData("""{"status":{"phase":"Succeeded","containerStatuses":[{"ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}""", "Completed")]
    [InlineData("""{"status":{"phase":"Running","containerStatuses":[{"ready":false,"state":{"terminated":{"exitCode":2}}}]}}""", "ExitCode:2")]
    [InlineData("""{"status":{"phase":"Pending","initContainerStatuses":[{"state":{"waiting":{"reason":"PodInitializing"}}}]}}""", "Init:0/1")]
    [InlineData("""{"metadata":{"deletionTimestamp":"2025-01-01T00:00:00Z"},"status":{"phase":"Running"}}""", "Terminating")]
    public void Pod_status_column_is_computed_like_kubectl(string pod, string expected)
    {
        // Act
        var status = Tables.PodStatus(JsonNode.Parse(pod)!.AsObject());

        // Assert
        status.Should().Be(expected);
    }

    [Theory]
    [InlineData(45, "45s")]
    [InlineData(200, "3m20s")]
    [InlineData(1020, "17m")]
    [InlineData(18180, "5h3m")]
    [InlineData(3 * 86400, "3d")]
    public void Ages_read_like_kubectl(int seconds, string expected)
    {
        // Act
        var age = Tables.HumanAge(TimeSpan.FromSeconds(seconds));

        // Assert
        age.Should().Be(expected);
    }

    [Fact]
    public void A_deployment_row_shows_ready_up_to_date_and_available()
    {
        // Arrange
        var deployment = JsonNode.Parse("""
            {"metadata":{"name":"web","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"replicas":3},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """)!.AsObject();

        // Act
        var table = Tables.Build(ResourceTypes.Deployments, [deployment], 7, "None", DateTimeOffset.Parse("2025-01-01T00:01:00Z", System.Globalization.CultureInfo.InvariantCulture));

        // Assert
        table["rows"]![0]!["cells"]!.ToJsonString().Should().StartWith("""["web","2/3",3,2,"60s",""");
        table["rows"]![0]!.AsObject().ContainsKey("object").Should().BeFalse();
    }
}
