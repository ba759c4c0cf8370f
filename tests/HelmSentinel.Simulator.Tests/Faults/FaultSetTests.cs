using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Faults;

/// <summary>Which requests a fault matches and when its window is open: pure, on a manual clock.</summary>
public sealed class FaultSetTests
{
    private readonly ManualClock _clock = new();

    private static FaultRequest List(string resource = "pods", string ns = "default", string selector = "") =>
        new("list", $"/api/v1/namespaces/{ns}/{resource}", ResourceTypes.Find("", "v1", resource), null, ns, null, selector);

    private static FaultRequest Verb(string verb, string name, string resource = "secrets", string ns = "default", string? subresource = null) =>
        new(verb, $"/api/v1/namespaces/{ns}/{resource}/{name}", ResourceTypes.Find("", "v1", resource), subresource, ns, name, "");

    private static FaultRequest NonResource(string path) => new("get", path, null, null, "", null, "");

    private static FaultRule Unavailable => new() { Kind = FaultKind.Status, Code = 503 };

    [Theory]
    [InlineData("*", "*", "*", null, true)]
    [InlineData("list", "pods", "default", null, true)]
    [InlineData("get,list", "po*", "def*", null, true)]
    [InlineData("get", "pods", "default", null, false)]
    [InlineData("list", "secrets", "default", null, false)]
    [InlineData("list", "pods", "kube-system", null, false)]
    [InlineData("list", "pods", "*", "web-*", false)]
    public void A_fault_matches_by_verb_resource_namespace_and_name(string verb, string resource, string ns, string? name, bool expected)
    {
        // Arrange
        var rule = Unavailable with { Verb = verb, Resource = resource, Namespace = ns, Name = name };

        // Act
        var matches = FaultSet.Matches(rule, List());

        // Assert
        matches.Should().Be(expected);
    }

    [Fact]
    public void A_subresource_is_matched_as_resource_slash_subresource_only()
    {
        // Arrange
        var log = Verb("get", "web-1", "pods", subresource: "log");

        // Act
        var byResource = FaultSet.Matches(Unavailable with { Resource = "pods" }, log);
        var bySubresource = FaultSet.Matches(Unavailable with { Resource = "pods/log" }, log);
        var byGlob = FaultSet.Matches(Unavailable with { Resource = "pods/*" }, log);

        // Assert
        byResource.Should().BeFalse("as in RBAC, pods does not cover pods/log");
        bySubresource.Should().BeTrue();
        byGlob.Should().BeTrue();
    }

    [Fact]
    public void Release_secrets_are_the_helm_named_ones_and_lists_selecting_owner_helm()
    {
        // Arrange
        var rule = Unavailable with { ReleaseSecrets = true };

        // Act
        var byName = FaultSet.Matches(rule, Verb("get", "sh.helm.release.v1.web.v3"));
        var created = FaultSet.Matches(rule, Verb("create", "sh.helm.release.v1.web.v4"));
        var helmList = FaultSet.Matches(rule, List("secrets", selector: "name=web,owner=helm"));
        var otherSecret = FaultSet.Matches(rule, Verb("get", "db-password"));
        var otherList = FaultSet.Matches(rule, List("secrets", selector: "app=web"));
        var configMap = FaultSet.Matches(rule, Verb("get", "sh.helm.release.v1.web.v3", "configmaps"));

        // Assert
        (byName, created, helmList).Should().Be((true, true, true));
        (otherSecret, otherList, configMap).Should().Be((false, false, false));
    }

    [Fact]
    public void Refusing_release_writes_touches_writes_of_release_secrets_only()
    {
        // Arrange
        var rule = new FaultRule { Kind = FaultKind.RefuseReleaseWrites };

        // Act
        var writes = new[] { "create", "update", "patch", "delete" }.Select(v => FaultSet.Matches(rule, Verb(v, "sh.helm.release.v1.web.v2")));
        var read = FaultSet.Matches(rule, Verb("get", "sh.helm.release.v1.web.v2"));
        var otherWrite = FaultSet.Matches(rule, Verb("update", "db-password"));

        // Assert
        writes.Should().AllBeEquivalentTo(true);
        read.Should().BeFalse();
        otherWrite.Should().BeFalse();
    }

    [Fact]
    public void Conflicts_are_for_updates_and_patches_and_watch_cuts_for_watches()
    {
        // Arrange
        var conflict = new FaultRule { Kind = FaultKind.Conflict };
        var cut = new FaultRule { Kind = FaultKind.WatchCut, AfterEvents = 1 };
        var watch = List() with { Verb = "watch" };

        // Act
        var conflicts = new[] { "update", "patch", "create", "delete", "get" }.Select(v => FaultSet.Matches(conflict, Verb(v, "web"))).ToList();
        var cuts = (FaultSet.Matches(cut, watch), FaultSet.Matches(cut, List()));

        // Assert
        conflicts.Should().Equal(true, true, false, false, false);
        cuts.Should().Be((true, false));
    }

    [Fact]
    public void Discovery_and_openapi_are_matched_only_by_a_fault_naming_their_path()
    {
        // Arrange
        var any = Unavailable;
        var onVersion = Unavailable with { Path = "/version" };

        // Act
        var anyOnDiscovery = new[] { "/api", "/apis", "/version", "/openapi/v3", "/api/v1" }.Select(p => FaultSet.Matches(any, NonResource(p)));
        var named = FaultSet.Matches(onVersion, NonResource("/version"));
        var namedElsewhere = FaultSet.Matches(onVersion, NonResource("/api"));
        var conflictOnPath = FaultSet.Matches(new FaultRule { Kind = FaultKind.Conflict, Path = "/version" }, NonResource("/version"));

        // Assert
        anyOnDiscovery.Should().AllBeEquivalentTo(false);
        named.Should().BeTrue();
        namedElsewhere.Should().BeFalse();
        conflictOnPath.Should().BeFalse("no API server answers a conflict on /version");
    }

    [Fact]
    public void From_request_N_for_M_requests_counts_matching_requests_only()
    {
        // Arrange
        var faults = new FaultSet(_clock);
        var rule = faults.Add(Unavailable with { Resource = "pods", FromRequest = 2, ForRequests = 2 });

        // Act
        var answered = Enumerable.Range(0, 5).Select(_ =>
        {
            faults.Decide(List("configmaps")); // never counted
            return faults.Decide(List()).Answer is not null;
        }).ToList();

        // Assert
        answered.Should().Equal(false, true, true, false, false);
        faults.List().Single().Should().Be(new FaultCount(rule, _clock.GetUtcNow(), Matched: 5, Fired: 2));
    }

    [Fact]
    public void From_time_T_for_D_is_on_the_simulators_clock_from_when_the_fault_was_added()
    {
        // Arrange
        var faults = new FaultSet(_clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        faults.Add(Unavailable with { Id = "later", FromTime = TimeSpan.FromSeconds(10), ForTime = TimeSpan.FromSeconds(5) });

        // Act
        bool At(double seconds)
        {
            _clock.Set(faults.List().Single().AddedAt + TimeSpan.FromSeconds(seconds));
            return faults.Decide(List()).Answer is not null;
        }

        var answered = new[] { 0, 9.999, 10, 14.999, 15, 100 }.Select(At).ToList();

        // Assert
        answered.Should().Equal(false, false, true, true, false, false);
        faults.Fired("later").Should().Be(2);
    }

    [Fact]
    public void For_D_counts_from_the_Nth_request_when_that_comes_after_T()
    {
        // Arrange
        var faults = new FaultSet(_clock);
        faults.Add(Unavailable with { FromRequest = 2, ForTime = TimeSpan.FromSeconds(5) });

        // Act
        var first = faults.Decide(List()).Answer;
        _clock.Advance(TimeSpan.FromSeconds(30));
        var second = faults.Decide(List()).Answer;
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        var third = faults.Decide(List()).Answer;
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var fourth = faults.Decide(List()).Answer;

        // Assert
        new[] { first, second, third, fourth }.Select(a => a is not null).Should().Equal(false, true, true, false);
    }

    [Fact]
    public void Latencies_add_up_and_the_first_other_due_fault_answers()
    {
        // Arrange
        var faults = new FaultSet(_clock);
        faults.Add(new FaultRule { Id = "slow", Kind = FaultKind.Latency, Delay = TimeSpan.FromSeconds(2) });
        faults.Add(Unavailable with { Id = "first" });
        faults.Add(new FaultRule { Id = "slower", Kind = FaultKind.Latency, Delay = TimeSpan.FromMilliseconds(500) });
        faults.Add(new FaultRule { Id = "second", Kind = FaultKind.LeaderChanged });

        // Act
        var decision = faults.Decide(List());

        // Assert
        decision.Delay.Should().Be(TimeSpan.FromMilliseconds(2500));
        decision.Answer!.Id.Should().Be("first");
        faults.List().Select(c => (c.Rule.Id, c.Matched, c.Fired)).Should().Equal(("slow", 1, 1), ("first", 1, 1), ("slower", 1, 1), ("second", 1, 0));
    }

    [Fact]
    public void Faults_get_ids_and_can_be_removed_and_cleared()
    {
        // Arrange
        var faults = new FaultSet(_clock);

        // Act
        var first = faults.Add(Unavailable);
        var named = faults.Add(Unavailable with { Id = "fault-2" });
        var third = faults.Add(Unavailable);
        var duplicate = Record.Exception(() => faults.Add(Unavailable with { Id = "fault-2" }));
        var removed = faults.Remove("fault-1");
        var unknown = Record.Exception(() => faults.Fired("fault-1"));
        var cleared = faults.Clear();

        // Assert
        (first.Id, named.Id, third.Id).Should().Be(("fault-1", "fault-2", "fault-3"));
        duplicate.Should().BeOfType<ArgumentException>().Which.Message.Should().Contain("'fault-2' is already set");
        removed.Should().BeTrue();
        unknown.Should().BeOfType<KeyNotFoundException>();
        cleared.Should().Be(2);
        faults.List().Should().BeEmpty();
    }

    [Theory]
    [InlineData(FaultKind.Status, 404, "a status fault answers 500, 503 or 429, not 404")]
    [InlineData(FaultKind.RefuseReleaseWrites, 503, "refuse-release-writes answers 403 or 500, not 503")]
    [InlineData(FaultKind.Latency, null, "a latency fault needs a positive delay")]
    [InlineData(FaultKind.WatchCut, null, "a watch-cut fault needs afterEvents or afterTime")]
    public void Invalid_faults_are_refused_saying_why(FaultKind kind, int? code, string problem)
    {
        // Arrange
        var faults = new FaultSet(_clock);

        // Act
        var add = () => faults.Add(new FaultRule { Kind = kind, Code = code });

        // Assert
        add.Should().Throw<ArgumentException>().WithMessage("invalid fault: " + problem + "*");
    }

    [Fact]
    public void An_unknown_verb_is_refused()
    {
        // Act
        var problem = new FaultRule { Kind = FaultKind.Reset, Verb = "get,fetch" }.Problem();

        // Assert
        problem.Should().StartWith("unknown verb 'fetch'");
    }
}
