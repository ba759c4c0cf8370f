using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Controllers;

namespace HelmSentinel.Simulator.Tests.Controllers;

public class RolloutMathTests
{
    [Theory]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("25%", "25%", 4, 1, 1)]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("50%", "0", 3, 2, 0)]
    [InlineData("0", "0", 3, 0, 1)]
    [InlineData("0%", "10%", 5, 0, 1)]
    public void ResolveFenceposts_rounds_surge_up_and_unavailable_down(string surge, string unavailable, int replicas, int expectedSurge, int expectedUnavailable)
    {
        var (s, u) = RolloutMath.ResolveFenceposts(JsonValue.Create(surge), JsonValue.Create(unavailable), replicas);

        (s, u).Should().Be((expectedSurge, expectedUnavailable));
    }

    [Fact]
    public void Scaled_accepts_integers()
    {
        RolloutMath.Scaled(JsonValue.Create(2), 10, roundUp: true).Should().Be(2);
        RolloutMath.Scaled(null, 10, roundUp: true).Should().Be(0);
    }

    [Theory]
    [InlineData(3, 1, 3, 0, 1)]
    [InlineData(3, 1, 4, 1, 1)]
    [InlineData(3, 1, 3, 1, 2)]
    [InlineData(1, 1, 1, 0, 1)]
    [InlineData(4, 0, 4, 0, 0)]
    [InlineData(3, 5, 3, 0, 3)]
    [InlineData(3, 1, 2, 5, 3)]
    public void NewReplicaSetSize_grows_within_the_surge(int replicas, int surge, int totalSpec, int newSpec, int expected) =>
        RolloutMath.NewReplicaSetSize(replicas, surge, totalSpec, newSpec).Should().Be(expected);

    [Fact]
    public void OldReplicaSetSizes_waits_for_new_pods_to_become_available()
    {
        // 3 replicas, surge 1, unavailable 0: old has 3 available, new has 1 not yet available.
        var sizes = RolloutMath.OldReplicaSetSizes([new ReplicaCounts(3, 3)], new ReplicaCounts(1, 0), replicas: 3, maxUnavailable: 0);

        sizes.Should().Equal(3);
    }

    [Fact]
    public void OldReplicaSetSizes_scales_down_as_new_pods_become_available()
    {
        var sizes = RolloutMath.OldReplicaSetSizes([new ReplicaCounts(3, 3)], new ReplicaCounts(1, 1), replicas: 3, maxUnavailable: 0);

        sizes.Should().Equal(2);
    }

    [Fact]
    public void OldReplicaSetSizes_drops_unhealthy_old_replicas_first()
    {
        // Old RS of a broken rollout: 2 wanted, 0 available; the stable RS is new and fully available.
        var sizes = RolloutMath.OldReplicaSetSizes([new ReplicaCounts(2, 0)], new ReplicaCounts(2, 2), replicas: 2, maxUnavailable: 0);

        sizes.Should().Equal(0);
    }

    [Fact]
    public void OldReplicaSetSizes_uses_maxUnavailable_budget_oldest_first()
    {
        var sizes = RolloutMath.OldReplicaSetSizes(
            [new ReplicaCounts(2, 2), new ReplicaCounts(2, 2)], new ReplicaCounts(0, 0), replicas: 4, maxUnavailable: 1);

        sizes.Should().Equal(1, 2);
    }

    [Fact]
    public void OldReplicaSetSizes_never_goes_below_min_available_when_new_is_broken()
    {
        // replicas 1, 25%/25% => surge 1, unavailable 0. New RS crashes (0 available): old stays.
        var sizes = RolloutMath.OldReplicaSetSizes([new ReplicaCounts(1, 1)], new ReplicaCounts(1, 0), replicas: 1, maxUnavailable: 0);

        sizes.Should().Equal(1);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 2000)]
    [InlineData(3, 8000)]
    [InlineData(10, 10000)]
    public void Backoff_doubles_up_to_the_cap(int failures, int expectedMs) =>
        RolloutMath.Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), failures).Should().Be(TimeSpan.FromMilliseconds(expectedMs));

    [Fact]
    public void IsComplete_needs_every_replica_updated_and_available_with_none_left_over()
    {
        RolloutMath.IsComplete(3, 3, 3, 3).Should().BeTrue();
        RolloutMath.IsComplete(3, 3, 4, 3).Should().BeFalse();
        RolloutMath.IsComplete(3, 2, 3, 3).Should().BeFalse();
    }
}
