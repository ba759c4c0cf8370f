namespace HelmSentinel.Simulator.Faults;

/// <summary>What a fault does to the requests it matches.</summary>
public enum FaultKind
{
    /// <summary>An HTTP 500, 503 or 429 answered with the <c>Status</c> a real API server writes
    /// (InternalError, ServiceUnavailable, TooManyRequests), optionally with <c>Retry-After</c>.</summary>
    Status,

    /// <summary>etcd lost its leader: a 500 whose message is <c>etcdserver: leader changed</c> and whose reason is
    /// empty, because the apiserver passes etcd's error through unconverted.</summary>
    LeaderChanged,

    /// <summary>A 409 Conflict on an update or patch: <c>the object has been modified; please apply your changes to the
    /// latest version and try again</c>.</summary>
    Conflict,

    /// <summary>A delay before the request is served (on the simulator's clock).</summary>
    Latency,

    /// <summary>The connection is dropped without an answer.</summary>
    Reset,

    /// <summary>A watch stream is ended without a final event after some events or some time, as an apiserver restart
    /// ends it.</summary>
    WatchCut,

    /// <summary>Creates, updates, patches and deletes of Helm's release Secrets (<c>sh.helm.release.v1.*</c>) are
    /// answered 403 Forbidden (as RBAC writes it) or 500 InternalError, so that Helm cannot record a release, nor a
    /// rollback.</summary>
    RefuseReleaseWrites,
}

/// <summary>
/// One fault to inject: which requests it matches (verb, resource, namespace, name, or a non-resource path), when
/// (from the Nth matching request and/or a time after it was added, for some requests and/or some time) and what it
/// does (<see cref="Kind"/> and its settings). Build it in code or read it from the cluster file's <c>faults:</c>
/// section or a <c>POST /_sim/faults</c> body (<see cref="FaultJson"/>).
/// </summary>
public sealed record FaultRule
{
    /// <summary>The release Secrets' name pattern, as Helm's secret storage driver names them.</summary>
    public const string ReleaseSecretPattern = "sh.helm.release.v1.*";

    /// <summary>A name for the fault (counts are read by it); null: <c>fault-N</c> is given when it is added.</summary>
    public string? Id { get; init; }

    /// <summary>What the fault does.</summary>
    public required FaultKind Kind { get; init; }

    /// <summary>The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, several
    /// separated by commas, or <c>*</c>. For a non-resource <see cref="Path"/>, the lower-case HTTP method.</summary>
    public string Verb { get; init; } = "*";

    /// <summary>The plural resource as in URLs (<c>secrets</c>, <c>deployments</c>), a subresource as
    /// <c>pods/log</c>, a glob (<c>*</c> is any run of characters, <c>?</c> one).</summary>
    public string Resource { get; init; } = "*";

    /// <summary>A glob on the namespace; cluster-scoped and all-namespace requests have the empty namespace.</summary>
    public string Namespace { get; init; } = "*";

    /// <summary>A glob on the object's name (a create is matched by the name in its body); null: any, also none.</summary>
    public string? Name { get; init; }

    /// <summary>Only Helm's release Secrets: a Secret named <see cref="ReleaseSecretPattern"/>, or a list, watch or
    /// deletecollection of Secrets selected by <c>owner=helm</c> (how Helm's storage reads them).</summary>
    public bool ReleaseSecrets { get; init; }

    /// <summary>A glob on the URL path. Discovery (<c>/api</c>, <c>/apis</c>, <c>/version</c>), <c>/openapi</c> and the
    /// health endpoints are matched only by a fault that sets it; <c>/_sim/</c> never is.</summary>
    public string? Path { get; init; }

    /// <summary>The first matching request the fault applies to, counting from 1 since it was added.</summary>
    public int FromRequest { get; init; } = 1;

    /// <summary>How long after it was added the fault starts to apply (on the simulator's clock).</summary>
    public TimeSpan FromTime { get; init; }

    /// <summary>How many requests the fault applies to before it stops; null: no limit.</summary>
    public int? ForRequests { get; init; }

    /// <summary>How long the fault applies once it started (at <see cref="FromTime"/>, or at the
    /// <see cref="FromRequest"/>th matching request if that is later); null: no limit.</summary>
    public TimeSpan? ForTime { get; init; }

    /// <summary><see cref="FaultKind.Status"/>: 500, 503 or 429. <see cref="FaultKind.RefuseReleaseWrites"/>: 403 (the
    /// default) or 500.</summary>
    public int? Code { get; init; }

    /// <summary>The Status message (for a 500, the cause after <c>Internal error occurred: </c>); null: the text a
    /// real server writes for that code.</summary>
    public string? Message { get; init; }

    /// <summary>Sent as the <c>Retry-After</c> header (and, for a 429, as <c>details.retryAfterSeconds</c>). Clients built
    /// on client-go wait that long and try again, up to 10 times. A 429 has 1 unless told otherwise, as the apiserver's
    /// flow control sends; other codes none.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary><see cref="FaultKind.Latency"/>: how long to wait before serving the request.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary><see cref="FaultKind.WatchCut"/>: end the stream after this many events (of any type, the initial
    /// ADDED ones included).</summary>
    public int? AfterEvents { get; init; }

    /// <summary><see cref="FaultKind.WatchCut"/>: end the stream this long after it opened.</summary>
    public TimeSpan? AfterTime { get; init; }

    /// <summary><see cref="FaultKind.RefuseReleaseWrites"/> with 403: the user RBAC names in its message.</summary>
    public string User { get; init; } = "system:anonymous";

    /// <summary>The answer's HTTP code, with the defaults filled in (0 for kinds that send no Status).</summary>
    public int EffectiveCode => Kind switch
    {
        FaultKind.Status => Code ?? 500,
        FaultKind.LeaderChanged => 500,
        FaultKind.Conflict => 409,
        FaultKind.RefuseReleaseWrites => Code ?? 403,
        _ => 0,
    };

    /// <summary>The Retry-After seconds with the default filled in (1 for a 429), or null.</summary>
    public int? EffectiveRetryAfter => RetryAfterSeconds ?? (Kind == FaultKind.Status && EffectiveCode == 429 ? 1 : null);

    /// <summary>What is wrong with this rule, or null when it can be injected.</summary>
    public string? Problem()
    {
        var verbs = Verb.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (verbs.Length == 0)
        {
            return "verb must name at least one verb, or be *";
        }

        if (Path is null && verbs.FirstOrDefault(v => v != "*" && !KnownVerbs.Contains(v)) is { } unknown)
        {
            return $"unknown verb '{unknown}' (expected {string.Join(", ", KnownVerbs)} or *)";
        }

        return Kind switch
        {
            _ when FromRequest < 1 => "fromRequest counts from 1",
            _ when FromTime < TimeSpan.Zero => "fromTime cannot be negative",
            _ when ForRequests is < 1 => "forRequests must be at least 1",
            _ when ForTime is { } d && d <= TimeSpan.Zero => "forTime must be positive",
            _ when RetryAfterSeconds is < 0 => "retryAfterSeconds cannot be negative",
            FaultKind.Status when EffectiveCode is not (500 or 503 or 429) => $"a status fault answers 500, 503 or 429, not {EffectiveCode}",
            FaultKind.RefuseReleaseWrites when EffectiveCode is not (403 or 500) => $"refuse-release-writes answers 403 or 500, not {EffectiveCode}",
            FaultKind.Latency when Delay <= TimeSpan.Zero => "a latency fault needs a positive delay",
            FaultKind.WatchCut when AfterEvents is null && AfterTime is null => "a watch-cut fault needs afterEvents or afterTime",
            FaultKind.WatchCut when AfterEvents is < 1 => "afterEvents must be at least 1",
            FaultKind.WatchCut when AfterTime is { } t && t <= TimeSpan.Zero => "afterTime must be positive",
            _ => null,
        };
    }

    /// <summary>The verbs of resource requests, as the apiserver's RequestInfo names them.</summary>
    public static IReadOnlyList<string> KnownVerbs { get; } = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
}
