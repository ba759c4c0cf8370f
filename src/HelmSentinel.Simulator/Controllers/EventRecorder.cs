using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>
/// Writes core/v1 Events the way the Kubernetes event broadcaster does: one object per distinct
/// (object, fieldPath, reason, message), whose <c>count</c> and <c>lastTimestamp</c> grow on repeats.
/// </summary>
internal sealed class EventRecorder(ObjectStore store)
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private long _sequence;

    public void Record(JsonObject involved, PodEvent e, string? host = null) =>
        Record(involved, e.Type, e.Reason, e.Message, e.FieldPath, e.Component, e.At, host);

    public void Record(JsonObject involved, string type, string reason, string message, string? fieldPath, string component, DateTimeOffset at, string? host = null)
    {
        var (name, ns, uid) = involved.Id();
        var eventNs = ns.Length == 0 ? "default" : ns;
        var key = string.Join('\u0001', uid, fieldPath, reason, message, type);
        try
        {
            if (_names.TryGetValue(key, out var existing) && store.Get(ResourceTypes.Events, eventNs, existing) is not null)
            {
                store.Mutate(ResourceTypes.Events, eventNs, existing, ev =>
                {
                    ev["count"] = (int)(ev.Long("count") ?? 1) + 1;
                    ev["lastTimestamp"] = Json.Time(at);
                    return true;
                });
                return;
            }

            var eventName = $"{name}.{(at.ToUnixTimeMilliseconds() * 1_000_000 + Interlocked.Increment(ref _sequence)).ToString("x", CultureInfo.InvariantCulture)}";
            var involvedObject = new JsonObject
            {
                ["kind"] = involved.Text("kind"),
                ["namespace"] = ns.Length == 0 ? null : ns,
                ["name"] = name,
                ["uid"] = uid,
                ["apiVersion"] = involved.Text("apiVersion"),
                ["resourceVersion"] = involved.Text("metadata.resourceVersion"),
            };
            if (fieldPath is not null)
            {
                involvedObject["fieldPath"] = fieldPath;
            }

            var source = new JsonObject { ["component"] = component };
            if (host is not null)
            {
                source["host"] = host;
            }

            store.Create(ResourceTypes.Events, eventNs, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = eventName, ["namespace"] = eventNs },
                ["involvedObject"] = involvedObject,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = source,
                ["firstTimestamp"] = Json.Time(at),
                ["lastTimestamp"] = Json.Time(at),
                ["count"] = 1,
                ["type"] = type,
                ["eventTime"] = null,
                ["reportingComponent"] = component,
                ["reportingInstance"] = host ?? string.Empty,
            });
            _names[key] = eventName;
        }
        catch (ApiException)
        {
            // The namespace is being deleted: a real broadcaster drops the event too.
        }
    }

    public void Forget(string uid)
    {
        foreach (var key in _names.Keys.Where(k => k.StartsWith(uid + "\u0001", StringComparison.Ordinal)).ToList())
        {
            _names.Remove(key);
        }
    }
}
