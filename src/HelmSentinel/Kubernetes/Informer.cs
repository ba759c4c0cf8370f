using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Keeps one kind's objects of a namespace in a cache by uid: lists them, then watches from the list's
/// resourceVersion; lists again after a watch error (typically 410 Gone) or a failed request, and opens the watch
/// again when the server closes it. The cache remembers what the FIRST list saw (uids and generations), which
/// later lists do not change.
/// </summary>
/// <typeparam name="T">The Kubernetes kind.</typeparam>
internal sealed class Informer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly IReadOnlyDictionary<string, long> NothingListed = new Dictionary<string, long>(StringComparer.Ordinal);

    private readonly Func<CancellationToken, Task<(IEnumerable<T> Items, string? ResourceVersion)>> _list;
    private readonly Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> _watch;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reconnectDelay;
    private readonly Action _changed;
    private readonly Action<Exception> _lost;
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyDictionary<string, long>? _firstList;
    private IReadOnlyDictionary<string, T>? _firstObjects;

    /// <summary>An informer over a list call and a watch call.</summary>
    /// <param name="list">Lists the objects: the items and the list's resourceVersion.</param>
    /// <param name="watch">Watches from a resourceVersion.</param>
    /// <param name="time">The clock of the reconnect delay.</param>
    /// <param name="reconnectDelay">Pause before listing again after an error, and before watching again when a watch
    /// ended (by an error, or empty) sooner than this after it was opened.</param>
    /// <param name="changed">Called after every list and every watch event.</param>
    /// <param name="lost">Called with each error talking to the API server; the informer keeps retrying.</param>
    public Informer(
        Func<CancellationToken, Task<(IEnumerable<T> Items, string? ResourceVersion)>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        TimeProvider time,
        TimeSpan reconnectDelay,
        Action changed,
        Action<Exception> lost)
    {
        _list = list;
        _watch = watch;
        _time = time;
        _reconnectDelay = reconnectDelay;
        _changed = changed;
        _lost = lost;
    }

    /// <summary>Completes when the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>An informer over the client's typed list and watch calls.</summary>
    /// <typeparam name="TList">The kind's list type (<c>V1PodList</c>, …).</typeparam>
    /// <param name="list">Lists the objects.</param>
    /// <param name="watch">Watches from a resourceVersion.</param>
    /// <param name="time">The clock of the reconnect delay.</param>
    /// <param name="reconnectDelay">Pause before listing or watching again (see the constructor).</param>
    /// <param name="changed">Called after every list and every watch event.</param>
    /// <param name="lost">Called with each error talking to the API server.</param>
    public static Informer<T> Create<TList>(
        Func<CancellationToken, Task<TList>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        TimeProvider time,
        TimeSpan reconnectDelay,
        Action changed,
        Action<Exception> lost)
        where TList : IItems<T>, IMetadata<V1ListMeta> =>
        new(
            async ct =>
            {
                var listed = await list(ct);
                return (listed.Items, listed.Metadata?.ResourceVersion);
            },
            watch,
            time,
            reconnectDelay,
            changed,
            lost);

    /// <summary>The cached objects now, and what the first list saw (nothing before it is in).</summary>
    public KindSnapshot<T> Snapshot() => new([.. _items.Values], Volatile.Read(ref _firstList) ?? NothingListed, Volatile.Read(ref _firstObjects));

    /// <summary>The cached object with this uid, if any.</summary>
    public T? Get(string uid) => _items.TryGetValue(uid, out var item) ? item : null;

    /// <summary>Lists and watches until <paramref name="ct"/> is cancelled; never throws.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (items, listedVersion) = await _list(ct);
                Replace(items);
                _synced.TrySetResult();
                _changed();
                var resourceVersion = listedVersion ?? "0";
                var expired = false;
                while (!ct.IsCancellationRequested && !expired)
                {
                    var opened = _time.GetUtcNow();
                    var events = 0;
                    await foreach (var (type, item) in _watch(resourceVersion, ct))
                    {
                        events++;
                        if (type is WatchEventType.Error)
                        {
                            expired = true; // typically 410 Gone: the resourceVersion is too old; list again
                            break;
                        }

                        if (item?.Metadata?.ResourceVersion is { Length: > 0 } rv)
                        {
                            resourceVersion = rv;
                        }

                        if (type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            _items[item!.Metadata.Uid] = item;
                        }
                        else if (type is WatchEventType.Deleted)
                        {
                            _items.TryRemove(item!.Metadata.Uid, out _);
                        }

                        _changed();
                    }

                    // The server closed the stream (its timeout): watch again from where we were; never spin.
                    if ((expired || events == 0) && _time.GetUtcNow() - opened < _reconnectDelay)
                    {
                        await Task.Delay(_reconnectDelay, _time, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // 410 Gone, a dropped connection, an unreachable server: list again after a pause.
                _lost(e);
                try
                {
                    await Task.Delay(_reconnectDelay, _time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Replace(IEnumerable<T> items)
    {
        var list = items.ToList();
        if (Volatile.Read(ref _firstList) is null)
        {
            // Published before the items, so that no reader sees one of them without knowing it was listed first.
            var first = new Dictionary<string, long>(StringComparer.Ordinal);
            var objects = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var item in list)
            {
                first[item.Metadata.Uid] = item.Metadata.Generation ?? 0;
                objects[item.Metadata.Uid] = item;
            }

            Volatile.Write(ref _firstObjects, objects);
            Volatile.Write(ref _firstList, first);
        }

        foreach (var stale in _items.Keys.Except(list.Select(i => i.Metadata.Uid), StringComparer.Ordinal))
        {
            _items.TryRemove(stale, out _);
        }

        foreach (var item in list)
        {
            _items[item.Metadata.Uid] = item;
        }
    }
}
