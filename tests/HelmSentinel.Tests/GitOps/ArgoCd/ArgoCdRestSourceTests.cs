using HelmSentinel.GitOps;
using HelmSentinel.GitOps.ArgoCd;
using HelmSentinel.Resilience.ArgoCd;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.ArgoCd;

public sealed class ArgoCdRestSourceTests : IAsyncLifetime
{
    private const string Old = "4f1d2c3b5a6978877665544332211aabbccddeef";
    private const string New = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    private static readonly ArgoCdApp V1 = ArgoCdApp.Deployed("shop", Old);

    private readonly HttpClient _http = new();
    private readonly ManualClock _clock = new();
    private FakeArgoCd _argo = null!;

    public async Task InitializeAsync() => _argo = await FakeArgoCd.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _argo.DisposeAsync();
    }

    private ArgoCdRestSource Source(TimeSpan? interval = null) =>
        new(new ArgoCdRestClient(_http, _argo.BaseAddress, _argo.Token, "ARGOCD_TOKEN", new ArgoCdRetryOptions { MaxRetries = 0 }, _clock),
            "shop", New, pollInterval: interval, time: _clock);

    [Fact]
    public async Task TheFirstReadingComesAtOnce_ThenOnePerPollInterval()
    {
        _argo.Script(V1, V1.SyncingTo(New).WithHealth("Progressing"), V1.SyncedTo(New));
        await using var source = Source();

        var first = await source.NextAsync(CancellationToken.None);
        var second = await NextAfterAsync(source, TimeSpan.FromSeconds(5));
        var third = await NextAfterAsync(source, TimeSpan.FromSeconds(5));

        source.Name.Should().Be("Argo CD application shop");
        first.Sync.Should().Be("Synced to 4f1d2c3, operation Succeeded");
        first.AtRevision.Should().BeFalse();
        second.Sync.Should().Be("OutOfSync, operation Running (sync to 1a2b3c4)");
        third.AtRevision.Should().BeTrue();
        third.Health.Should().Be(AppHealth.Healthy);
        third.At.Should().Be(first.At + TimeSpan.FromSeconds(10));
        _argo.Reads("shop").Should().Be(3);
    }

    [Fact]
    public async Task TheIntervalIsConfigurable()
    {
        _argo.Script(V1, V1.SyncedTo(New));
        await using var source = Source(TimeSpan.FromSeconds(30));
        await source.NextAsync(CancellationToken.None);

        var next = source.NextAsync(CancellationToken.None);
        await Eventually.WaitUntilAsync(() => _clock.PendingTimers > 0, "the source waits for the next poll");
        _clock.Advance(TimeSpan.FromSeconds(29));
        next.IsCompleted.Should().BeFalse("the interval is 30 s");
        _clock.Advance(TimeSpan.FromSeconds(1));

        (await next).AtRevision.Should().BeTrue();
    }

    [Fact]
    public async Task AnUnhealthyApplication_IsReadWithItsResourceTree()
    {
        // The CR since 3.0 holds no resource health; the tree has the Deployment's and the crash-looping Pod's messages.
        _argo.Script(V1, V1.SyncedTo(New).DegradedDeployment().WithCrashLoopingPod().WithoutResourceHealthInStatus());
        await using var source = Source();

        await source.NextAsync(CancellationToken.None);
        var degraded = await NextAfterAsync(source, TimeSpan.FromSeconds(5));

        _argo.Matching("GET", "/resource-tree$").Should().ContainSingle("only the unhealthy reading needs the tree");
        degraded.AtRevision.Should().BeTrue();
        degraded.Health.Should().Be(AppHealth.Degraded);
        degraded.Failure.Should().Contain("Deployment/shop/web: Deployment \"web\" exceeded its progress deadline")
            .And.Contain("Pod/shop/web-5d9c7b6f4-x2x7k: back-off 5m0s restarting failed container=web");
    }

    [Fact]
    public async Task ASourceThatCannotBeRead_Throws()
    {
        await using var source = Source();

        var act = () => source.NextAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<GitOpsSourceException>()).Which.Failure.Should().Be(GitOpsSourceFailure.Unauthorized);
    }

    [Fact]
    public async Task TheWaitEndsWithItsToken()
    {
        _argo.SetApplication(V1);
        await using var source = Source();
        await source.NextAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var next = source.NextAsync(stop.Token);
        await stop.CancelAsync();

        await ((Func<Task>)(() => next)).Should().ThrowAsync<OperationCanceledException>();
    }

    private async Task<AppObservation> NextAfterAsync(IAppSource source, TimeSpan wait)
    {
        var next = source.NextAsync(CancellationToken.None);
        await Eventually.WaitUntilAsync(() => next.IsCompleted || _clock.PendingTimers > 0, "the source waits for the next poll");
        next.IsCompleted.Should().BeFalse("a reading comes only after the poll interval");
        _clock.Advance(wait);
        return await next;
    }
}
