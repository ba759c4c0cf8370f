using System.Globalization;

namespace HelmSentinel.Simulator.Faults;

/// <summary>A fault and how often it applied.</summary>
/// <param name="Rule">The fault, with its id.</param>
/// <param name="AddedAt">When it was added, on the simulator's clock.</param>
/// <param name="Matched">Requests that matched it (verb, resource, namespace, name, path) since it was added.</param>
/// <param name="Fired">Requests it was applied to.</param>
public sealed record FaultCount(FaultRule Rule, DateTimeOffset AddedAt, int Matched, int Fired);

/// <summary>What the faults do to one request: a delay first, then at most one answer instead of the real one.</summary>
/// <param name="Delay">The sum of the latency faults that fired.</param>
/// <param name="Answer">The first other fault that fired (a Status, a reset, a watch cut), or null.</param>
internal sealed record FaultDecision(TimeSpan Delay, FaultRule? Answer)
{
    public static FaultDecision None { get; } = new(TimeSpan.Zero, null);
}

/// <summary>
/// The faults injected into a running simulator: added from the cluster file at start, through
/// <c>/_sim/faults</c>, or by a test through <c>KubeSimulator.Faults</c>. Each request is checked against every
/// fault in the order they were added: each counts the requests it matches, latency faults that are due add their
/// delays, and the first other fault that is due answers instead of the API. Thread-safe.
/// </summary>
public sealed class FaultSet
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private int _nextId;

    internal FaultSet(TimeProvider time) => _time = time;

    /// <summary>Whether no fault is set (requests are then not even classified).</summary>
    internal bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count == 0;
            }
        }
    }

    /// <summary>Adds a fault; its window's time counts from now.</summary>
    /// <returns>The fault as added, with its <see cref="FaultRule.Id"/> (given, or <c>fault-N</c>).</returns>
    /// <exception cref="ArgumentException">The fault is invalid (see <see cref="FaultRule.Problem"/>) or its id is taken.</exception>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Problem() is { } problem)
        {
            throw new ArgumentException("invalid fault: " + problem, nameof(rule));
        }

        lock (_gate)
        {
            if (rule.Id is { } id && _entries.Exists(e => e.Rule.Id == id))
            {
                throw new ArgumentException($"a fault with id '{id}' is already set", nameof(rule));
            }

            while (rule.Id is null)
            {
                var candidate = "fault-" + (++_nextId).ToString(CultureInfo.InvariantCulture);
                if (!_entries.Exists(e => e.Rule.Id == candidate))
                {
                    rule = rule with { Id = candidate };
                }
            }

            _entries.Add(new Entry(rule, _time.GetUtcNow()));
            return rule;
        }
    }

    /// <summary>Removes one fault; false when no fault has that id.</summary>
    public bool Remove(string id)
    {
        lock (_gate)
        {
            return _entries.RemoveAll(e => e.Rule.Id == id) > 0;
        }
    }

    /// <summary>Removes every fault; returns how many there were.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            var count = _entries.Count;
            _entries.Clear();
            return count;
        }
    }

    /// <summary>The faults in the order they apply, with their counts.</summary>
    public IReadOnlyList<FaultCount> List()
    {
        lock (_gate)
        {
            return [.. _entries.Select(e => new FaultCount(e.Rule, e.AddedAt, e.Matched, e.Fired))];
        }
    }

    /// <summary>How many requests the fault <paramref name="id"/> was applied to.</summary>
    /// <exception cref="KeyNotFoundException">No fault has that id.</exception>
    public int Fired(string id)
    {
        lock (_gate)
        {
            return _entries.Find(e => e.Rule.Id == id)?.Fired ?? throw new KeyNotFoundException($"no fault with id '{id}'");
        }
    }

    /// <summary>Counts the request against every fault and says what the due ones do to it.</summary>
    internal FaultDecision Decide(FaultRequest request)
    {
        var now = _time.GetUtcNow();
        var delay = TimeSpan.Zero;
        FaultRule? answer = null;
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                var rule = entry.Rule;
                if (!Matches(rule, request))
                {
                    continue;
                }

                entry.Matched++;
                if (entry.Matched == rule.FromRequest)
                {
                    entry.NthMatchAt = now;
                }

                if (!entry.Due(now))
                {
                    continue;
                }

                if (rule.Kind == FaultKind.Latency)
                {
                    entry.Fired++;
                    delay += rule.Delay;
                }
                else if (answer is null)
                {
                    entry.Fired++;
                    answer = rule;
                }
            }
        }

        return delay == TimeSpan.Zero && answer is null ? FaultDecision.None : new FaultDecision(delay, answer);
    }

    /// <summary>Whether <paramref name="rule"/> is about <paramref name="request"/> (its window aside).</summary>
    internal static bool Matches(FaultRule rule, FaultRequest request)
    {
        if (!VerbMatches(rule.Verb, request.Verb) || (rule.Path is { } path && !Glob.Matches(path, request.Path)))
        {
            return false;
        }

        if (request.Type is null)
        {
            // Discovery, OpenAPI, health: only a fault that names the path, and only what a proxy or etcd could do there.
            return rule.Path is not null && rule.Kind is FaultKind.Status or FaultKind.LeaderChanged or FaultKind.Latency or FaultKind.Reset;
        }

        if (!Glob.Matches(rule.Resource, request.Resource) || !Glob.Matches(rule.Namespace, request.Namespace) ||
            (rule.Name is { } name && (request.Name is null || !Glob.Matches(name, request.Name))) ||
            (rule.ReleaseSecrets && !request.IsReleaseSecret))
        {
            return false;
        }

        return rule.Kind switch
        {
            FaultKind.Conflict => request.Verb is "update" or "patch" && request.Name is not null,
            FaultKind.WatchCut => request.Verb == "watch",
            FaultKind.RefuseReleaseWrites => request.IsWrite && request.IsReleaseSecret,
            _ => true,
        };
    }

    private static bool VerbMatches(string verbs, string verb) =>
        verbs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(v => v == "*" || v == verb);

    private sealed class Entry(FaultRule rule, DateTimeOffset addedAt)
    {
        public FaultRule Rule { get; } = rule;

        public DateTimeOffset AddedAt { get; } = addedAt;

        public int Matched { get; set; }

        public int Fired { get; set; }

        /// <summary>When the <see cref="FaultRule.FromRequest"/>th matching request came; null before.</summary>
        public DateTimeOffset? NthMatchAt { get; set; }

        /// <summary>Whether the window is open now: from the Nth matching request and <see cref="FaultRule.FromTime"/>,
        /// for <see cref="FaultRule.ForRequests"/> requests and <see cref="FaultRule.ForTime"/> after it opened.</summary>
        public bool Due(DateTimeOffset now)
        {
            if (NthMatchAt is not { } nth)
            {
                return false;
            }

            var notBefore = AddedAt + Rule.FromTime;
            var opened = nth > notBefore ? nth : notBefore;
            return now >= opened && (Rule.ForRequests is not { } limit || Fired < limit) && (Rule.ForTime is not { } span || now < opened + span);
        }
    }
}
