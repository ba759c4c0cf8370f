using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// One <c>?watch=true</c> stream: newline-delimited JSON events, optionally preceded by the current objects
/// (watch-list with the <c>k8s.io/initial-events-end</c> BOOKMARK, or resourceVersion 0/unset), or by the
/// retained changes after a resourceVersion. Selectors are applied per event, so an object that stops
/// matching is sent as DELETED and one that starts matching as ADDED. A <see cref="FaultKind.WatchCut"/> fault ends the
/// stream after some events or some time (on the simulator's clock) without a final event.
/// </summary>
internal sealed class WatchStream(ObjectStore store, TimeProvider time)
{
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(15);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Watch streams open now in <paramref name="ns"/> (null: cluster-scoped and all-namespace ones), as an
    /// API server's long-running request count: a client that closed its watch is no longer counted.</summary>
    public int Open(string? ns) => _open.TryGetValue(ns ?? "", out var count) ? count : 0;

    public async Task RunAsync(HttpContext context, ResourcePath target, Func<JsonObject, bool> matches, Func<JsonObject, JsonObject>? render, FaultRule? cut, CancellationToken stopping)
    {
        var key = target.Namespace ?? "";
        _open.AddOrUpdate(key, 1, (_, n) => n + 1);
        try
        {
            await StreamAsync(context, target, matches, render, cut, stopping);
        }
        finally
        {
            _open.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }

    private async Task StreamAsync(HttpContext context, ResourcePath target, Func<JsonObject, bool> matches, Func<JsonObject, JsonObject>? render, FaultRule? cut, CancellationToken stopping)
    {
        var query = context.Request.Query;
        var initialEvents = query["sendInitialEvents"] == "true";
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var fromVersion = query["resourceVersion"].ToString();
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        IReadOnlyList<JsonObject> snapshot = [];
        IReadOnlyList<WatchEvent> backlog = [];
        long startVersion = 0;
        ApiException? gone = null;
        using var subscription = store.SubscribeAtomically(
            e =>
            {
                if (ObjectStore.StorageOf(e.ResourceType) == ObjectStore.StorageOf(target.Type))
                {
                    channel.Writer.TryWrite(InVersion(e, target.Type));
                }
            },
            () =>
            {
                startVersion = store.ResourceVersion;
                if (initialEvents || fromVersion is "" or "0")
                {
                    snapshot = store.List(target.Type, target.Namespace, matches);
                }
                else if (long.TryParse(fromVersion, CultureInfo.InvariantCulture, out var rv))
                {
                    try
                    {
                        backlog = store.EventsSince(rv);
                    }
                    catch (ApiException e)
                    {
                        gone = e;
                    }
                }
                else
                {
                    gone = ApiException.BadRequest($"invalid resource version: {fromVersion}");
                }
            });

        // A cut fault: after its time (on the simulator's clock) or its events, end the stream like the timeout does.
        using var cutTimer = cut?.AfterTime is { } after ? new CancellationTokenSource(after, time) : null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping, cutTimer?.Token ?? CancellationToken.None);
        if (int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        var events = new EventWriter(context, cut?.AfterEvents, timeout);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var token = timeout.Token;
        try
        {
            await context.Response.StartAsync(token);
            if (gone is not null)
            {
                await events.SendAsync("ERROR", gone.ToStatus(), token);
                return;
            }

            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var obj in snapshot)
            {
                known.Add(Uid(obj));
                await events.SendAsync("ADDED", render?.Invoke(obj) ?? obj, token);
            }

            if (initialEvents)
            {
                await events.SendAsync("BOOKMARK", Bookmark(target.Type, startVersion, initialEventsEnd: true), token);
            }

            var lastVersion = startVersion;
            foreach (var change in backlog.Where(e => ObjectStore.StorageOf(e.ResourceType) == ObjectStore.StorageOf(target.Type)).Select(e => InVersion(e, target.Type)))
            {
                lastVersion = change.ResourceVersion;
                await ForwardAsync(events, change, matches, render, known, fromBacklog: true, token);
            }

            await context.Response.Body.FlushAsync(token);
            while (!token.IsCancellationRequested)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(token);
                tick.CancelAfter(BookmarkInterval);
                try
                {
                    var change = await channel.Reader.ReadAsync(tick.Token);
                    if (change.ResourceVersion <= lastVersion)
                    {
                        continue;
                    }

                    lastVersion = change.ResourceVersion;
                    await ForwardAsync(events, change, matches, render, known, fromBacklog: false, token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    if (bookmarks)
                    {
                        await events.SendAsync("BOOKMARK", Bookmark(target.Type, lastVersion, initialEventsEnd: false), token);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away, timeoutSeconds elapsed, a fault cut the stream or the simulator is stopping: end the stream.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }

    }

    private static string Uid(JsonObject obj) => obj.Text("metadata.uid") ?? obj.Text("metadata.name") ?? string.Empty;

    /// <summary>A change as the watched version serves it: a custom object written through another version of its
    /// definition is converted (its apiVersion rewritten), as the apiextensions apiserver's watch cache does.</summary>
    private static WatchEvent InVersion(WatchEvent e, ResourceType type) =>
        !type.IsCustom || e.ResourceType.Version == type.Version ? e : e with
        {
            ResourceType = type,
            Object = ObjectStore.AsVersion(type, e.Object.Clone()),
            Previous = e.Previous is null ? null : ObjectStore.AsVersion(type, e.Previous.Clone()),
        };

    private static JsonObject Bookmark(ResourceType type, long version, bool initialEventsEnd)
    {
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = metadata };
    }

    private static async Task ForwardAsync(
        EventWriter events, WatchEvent change, Func<JsonObject, bool> matches, Func<JsonObject, JsonObject>? render,
        HashSet<string> known, bool fromBacklog, CancellationToken token)
    {
        var uid = Uid(change.Object);
        var now = matches(change.Object);
        var before = change.Previous is not null ? matches(change.Previous) : known.Contains(uid);
        var type = change.Type switch
        {
            "ADDED" => now ? "ADDED" : null,
            "MODIFIED" when now && before => "MODIFIED",
            "MODIFIED" when now => fromBacklog && change.Previous is null ? "MODIFIED" : "ADDED",
            "MODIFIED" when before => "DELETED",
            "DELETED" => now || before ? "DELETED" : null,
            _ => null,
        };
        if (type is null)
        {
            return;
        }

        if (type == "DELETED")
        {
            known.Remove(uid);
        }
        else
        {
            known.Add(uid);
        }

        await events.SendAsync(type, render?.Invoke(change.Object) ?? change.Object, token);
    }

    /// <summary>Writes events, one line each, flushed; after <paramref name="limit"/> events it ends the stream.</summary>
    private sealed class EventWriter(HttpContext context, int? limit, CancellationTokenSource end)
    {
        private int _sent;

        public async Task SendAsync(string type, JsonObject obj, CancellationToken token)
        {
            var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), token);
            await context.Response.Body.FlushAsync(token);
            if (++_sent == limit)
            {
                await end.CancelAsync();
            }
        }
    }
}
