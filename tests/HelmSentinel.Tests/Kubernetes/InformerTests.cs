using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using HelmSentinel.Kubernetes;
using HelmSentinel.TestSupport;
using k8s;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>The informer over scripted list and watch calls, on a manual clock: every pause is one the test lets pass.</summary>
public sealed class InformerTests : IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private readonly ManualClock _clock = new();
    private readonly FakeApi _api = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Exception> _lost = new();
    private int _changes;

    [Fact]
    public async Task Lists_ThenWatchesFromTheListsResourceVersion_ThenFromTheLastEvent()
    {
        _api.Lists.Enqueue(() => ([Pod("a", "5")], "10"));
        var (informer, run) = Start();

        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        var first = await _api.NextWatchAsync(1);
        await first.WriteAsync((WatchEventType.Added, Pod("b", "11")));
        await first.WriteAsync((WatchEventType.Modified, Pod("a", "12", generation: 2)));
        await first.WriteAsync((WatchEventType.Deleted, Pod("b", "13")));
        first.Complete(); // the server's timeout: watch again from the last event seen
        await _api.NextWatchAsync(2);

        _api.WatchedFrom.Should().Equal("10", "13");
        var snapshot = informer.Snapshot();
        snapshot.Items.Should().ContainSingle().Which.Metadata.Generation.Should().Be(2);
        snapshot.InFirstList("uid-a").Should().BeTrue();
        snapshot.FirstListGeneration("uid-a").Should().Be(1, "the first list's generation, not the current one");
        snapshot.InFirstList("uid-b").Should().BeFalse();
        Volatile.Read(ref _changes).Should().Be(4, "the list and each event");
        await StopAsync(run);
    }

    [Fact]
    public async Task AWatchError_ListsAgainAfterTheDelay_AndTheFirstListIsStillWhatItSaw()
    {
        _api.Lists.Enqueue(() => ([Pod("a", "5")], "10"));
        _api.Lists.Enqueue(() => ([Pod("a", "20", generation: 3), Pod("c", "21")], "22"));
        var (informer, run) = Start();

        var watch = await _api.NextWatchAsync(1);
        await watch.WriteAsync((WatchEventType.Error, Pod("gone", "0"))); // 410 Gone
        await Eventually.WaitUntilAsync(() => _clock.PendingTimers == 1, "the informer waits before listing again");
        _api.ListCalls.Should().Be(1, "nothing lists again while the clock stands still");
        _clock.Advance(Delay);
        await _api.NextWatchAsync(2);

        _api.ListCalls.Should().Be(2);
        _api.WatchedFrom.Should().Equal("10", "22");
        var snapshot = informer.Snapshot();
        snapshot.Items.Select(p => p.Metadata.Name).Should().BeEquivalentTo(["a", "c"]);
        snapshot.InFirstList("uid-c").Should().BeFalse("only the first list counts as the old revision's");
        snapshot.FirstListGeneration("uid-a").Should().Be(1);
        _lost.Should().BeEmpty("a watch error is routine, not a lost connection");
        await StopAsync(run);
    }

    [Fact]
    public async Task AFailedList_IsReportedAndRetriedAfterTheDelay()
    {
        _api.Lists.Enqueue(() => throw new HttpRequestException("connection refused"));
        _api.Lists.Enqueue(() => ([Pod("a", "5")], "6"));
        var (informer, run) = Start();

        await Eventually.WaitUntilAsync(() => _clock.PendingTimers == 1, "the informer waits after the failed list");
        _clock.Advance(Delay - TimeSpan.FromMilliseconds(1));
        _api.ListCalls.Should().Be(1, "the delay has not passed");
        informer.Synced.IsCompleted.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));

        _lost.Should().ContainSingle().Which.Message.Should().Be("connection refused");
        _api.ListCalls.Should().Be(2);
        await StopAsync(run);
    }

    [Fact]
    public async Task AWatchTheServerEndsAtOnce_IsOpenedAgainOnlyAfterTheDelay()
    {
        _api.Lists.Enqueue(() => ([], "10"));
        var (_, run) = Start();

        (await _api.NextWatchAsync(1)).Complete(); // no event at all: never spin on an empty stream
        await Eventually.WaitUntilAsync(() => _clock.PendingTimers == 1, "the informer waits before watching again");
        _api.WatchedFrom.Should().HaveCount(1);
        _clock.Advance(Delay);
        await _api.NextWatchAsync(2);

        _api.WatchedFrom.Should().Equal("10", "10");
        _api.ListCalls.Should().Be(1, "an ended watch is resumed, not listed again");
        await StopAsync(run);
    }

    [Fact]
    public async Task Cancelling_EndsTheLoopWithoutAnError()
    {
        _api.Lists.Enqueue(() => ([], "10"));
        var (_, run) = Start();
        await _api.NextWatchAsync(1);

        await _stop.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        run.IsCompletedSuccessfully.Should().BeTrue();
        _lost.Should().BeEmpty();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private (Informer<V1Pod> Informer, Task Run) Start()
    {
        var informer = new Informer<V1Pod>(_api.ListAsync, _api.WatchAsync, _clock, Delay, () => Interlocked.Increment(ref _changes), _lost.Enqueue);
        return (informer, Task.Run(() => informer.RunAsync(_stop.Token)));
    }

    private async Task StopAsync(Task run)
    {
        await _stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static V1Pod Pod(string name, string resourceVersion, long generation = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = "uid-" + name, ResourceVersion = resourceVersion, Generation = generation },
    };

    /// <summary>Scripted list results (a list past the script waits until cancelled) and one channel per watch call.</summary>
    private sealed class FakeApi
    {
        private readonly ConcurrentQueue<Channel<(WatchEventType, V1Pod)>> _watches = new();
        private int _listCalls;

        public ConcurrentQueue<Func<(IEnumerable<V1Pod> Items, string? ResourceVersion)>> Lists { get; } = new();

        public ConcurrentQueue<string> WatchedFrom { get; } = new();

        public int ListCalls => Volatile.Read(ref _listCalls);

        public async Task<(IEnumerable<V1Pod> Items, string? ResourceVersion)> ListAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _listCalls);
            if (Lists.TryDequeue(out var next))
            {
                await Task.Yield();
                return next();
            }

            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }

        public async IAsyncEnumerable<(WatchEventType, V1Pod)> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken ct)
        {
            var channel = Channel.CreateUnbounded<(WatchEventType, V1Pod)>();
            _watches.Enqueue(channel);
            WatchedFrom.Enqueue(resourceVersion);
            await foreach (var change in channel.Reader.ReadAllAsync(ct))
            {
                yield return change;
            }
        }

        /// <summary>The writer of the <paramref name="number"/>th watch call, once it was made.</summary>
        public async Task<ChannelWriter<(WatchEventType, V1Pod)>> NextWatchAsync(int number)
        {
            await Eventually.WaitUntilAsync(() => _watches.Count >= number, $"watch call {number} is made");
            return _watches.ElementAt(number - 1).Writer;
        }
    }
}
