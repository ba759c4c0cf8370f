using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>The simulated apps behind the API server's proxy: their HTTP answers and their <c>/metrics</c>.</summary>
public sealed partial class ClusterControllers
{
    private readonly ConcurrentDictionary<(string Uid, string Container), AppState> _apps = new();

    /// <summary>
    /// Serves one HTTP request on pod <paramref name="pod"/>'s <see cref="AppRequest.Port"/>, as the app in the container that
    /// listens there answers it (see the simulator README): null when nothing listens there now (the connection is refused).
    /// <c>GET /metrics</c> answers the app's request counters at once and is not counted; any other request is counted when it is
    /// answered, which for an <c>http-slow-N</c> app is N s later on the simulator's clock (cancel <paramref name="ct"/> to give up).
    /// </summary>
    public async Task<AppAnswer?> ServeHttpAsync(string ns, string pod, AppRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        PodSimulation? sim;
        lock (_gate)
        {
            _pods.TryGetValue((ns, pod), out sim);
        }

        PodApp? app = null;
        if (sim is not null)
        {
            lock (sim.Gate)
            {
                app = sim.Listener(request.Port);
            }
        }

        if (sim is null || app is null)
        {
            return null;
        }

        var state = _apps.GetOrAdd((sim.Uid, app.Container), _ => new AppState());
        var now = _time.GetUtcNow();
        var sinceReady = now - app.ReadySince;
        if (request.Path == "/metrics" && request.Method is "GET" or "HEAD")
        {
            var (ok, errors) = app.Http.Synthetic(sinceReady, _config.SyntheticRequestsPerSecond);
            var counts = state.Counts(app.ReadySince).Select(c => c with
            {
                Count = c.Count + (c is { Method: "GET", Code: 200 } ? ok : 0) + (c is { Method: "GET", Code: 500 } ? errors : 0),
            }).ToList();
            foreach (var (code, synthetic) in new[] { (200, ok), (500, errors) })
            {
                if (!counts.Any(c => c.Method == "GET" && c.Code == code))
                {
                    counts.Add(new RequestCount("GET", code, synthetic));
                }
            }

            return new AppAnswer(200, AppMetrics.ContentType, AppMetrics.Format(MetricLabels(ns, pod), counts));
        }

        var (answer, delay) = app.Http.Answer(state.Next(app.ReadySince), sinceReady);
        if (delay > TimeSpan.Zero)
        {
            // Forced off the clock's thread: a manual clock fires this timer inside Advance, which must not run the answer.
            await Task.Delay(delay, _time, ct).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }

        state.Count(app.ReadySince, request.Method, answer);
        var body = new JsonObject
        {
            ["status"] = answer < 400 ? "ok" : "error",
            ["code"] = answer,
            ["pod"] = pod,
            ["container"] = app.Container,
            ["image"] = app.Image,
            ["method"] = request.Method,
            ["path"] = request.Path,
        };
        if (request.Query.Length > 0)
        {
            body["query"] = request.Query;
        }

        return new AppAnswer(answer, "application/json", body.ToJsonString());
    }

    /// <summary>The labels every series of a pod's <c>/metrics</c> carries: namespace, pod, and app (the pod's <c>app</c>
    /// label, else <c>app.kubernetes.io/name</c>) when it has one.</summary>
    private Dictionary<string, string> MetricLabels(string ns, string pod)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = ns, ["pod"] = pod };
        var podLabels = _store.Get(ResourceTypes.Pods, ns, pod)?.StringMap("metadata.labels");
        if (podLabels is not null && (podLabels.GetValueOrDefault("app") ?? podLabels.GetValueOrDefault("app.kubernetes.io/name")) is { Length: > 0 } name)
        {
            labels["app"] = name;
        }

        return labels;
    }

    private void ForgetApps(string uid)
    {
        foreach (var key in _apps.Keys.Where(k => k.Uid == uid))
        {
            _apps.TryRemove(key, out _);
        }
    }

    /// <summary>One app process's counters; a new run of the container (a new Ready time) starts from zero, as a restarted process does.</summary>
    private sealed class AppState
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<(string Method, int Code), long> _answered = [];
        private DateTimeOffset _run;
        private long _received;

        /// <summary>The number of this request among those the run received (the <c>/metrics</c> scrapes not included).</summary>
        public long Next(DateTimeOffset run)
        {
            lock (_gate)
            {
                Reset(run);
                return ++_received;
            }
        }

        public void Count(DateTimeOffset run, string method, int code)
        {
            lock (_gate)
            {
                Reset(run);
                _answered[(method, code)] = _answered.GetValueOrDefault((method, code)) + 1;
            }
        }

        public List<RequestCount> Counts(DateTimeOffset run)
        {
            lock (_gate)
            {
                Reset(run);
                return _answered.Select(a => new RequestCount(a.Key.Method, a.Key.Code, a.Value)).ToList();
            }
        }

        private void Reset(DateTimeOffset run)
        {
            if (run != _run)
            {
                _run = run;
                _received = 0;
                _answered.Clear();
            }
        }
    }
}
