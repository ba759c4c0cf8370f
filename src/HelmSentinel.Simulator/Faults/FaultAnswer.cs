using System.Globalization;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Faults;

/// <summary>The HTTP answer of a fault that sends a Status: the code, the Status object and extra headers.</summary>
/// <param name="Code">The HTTP status code.</param>
/// <param name="Status">The <c>Status</c> object, in the order the apiserver's JSON serializer writes its fields.</param>
/// <param name="Headers">Headers to add, e.g. <c>Retry-After</c>.</param>
public sealed record FaultAnswer(int Code, JsonObject Status, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The message of a 503 (client-go's and kube-aggregator's text for an unavailable API).</summary>
    public const string UnavailableMessage = "the server is currently unable to handle the request";

    /// <summary>The message of a 429, the apiserver's flow control text.</summary>
    public const string TooManyRequestsMessage = "Too many requests, please try again later.";

    /// <summary>etcd's error when its leader changed during the request.</summary>
    public const string LeaderChangedMessage = "etcdserver: leader changed";

    /// <summary>The cause of a 500 when the fault gives none.</summary>
    public const string DefaultInternalCause = "injected by the simulator";

    /// <summary>
    /// The answer of <paramref name="rule"/> to <paramref name="request"/>, as <c>k8s.io/apimachinery</c>'s constructors
    /// build it: <c>NewInternalError</c> (500, <c>Internal error occurred: </c> + the cause, the cause again in
    /// <c>details.causes</c>), <c>NewServiceUnavailable</c>, <c>NewTooManyRequests</c> (<c>details.retryAfterSeconds</c>),
    /// <c>NewConflict</c>, <c>NewForbidden</c> as the RBAC filter words it, and for a leader change the apiserver's
    /// pass-through of an unconverted error (code 500, message only, no reason).
    /// </summary>
    /// <exception cref="ArgumentException">The rule sends no Status (latency, reset, watch cut).</exception>
    public static FaultAnswer For(FaultRule rule, FaultRequest request)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(request);
        var code = rule.EffectiveCode;
        var status = (rule.Kind, code) switch
        {
            (FaultKind.Status or FaultKind.RefuseReleaseWrites, 500) => Internal(rule.Message ?? DefaultInternalCause),
            (FaultKind.Status, 503) => Failure(rule.Message ?? UnavailableMessage, "ServiceUnavailable", null, 503),
            (FaultKind.Status, 429) => Failure(rule.Message ?? TooManyRequestsMessage, "TooManyRequests", new JsonObject { ["retryAfterSeconds"] = rule.EffectiveRetryAfter ?? 0 }, 429),
            (FaultKind.LeaderChanged, _) => Failure(rule.Message ?? LeaderChangedMessage, null, null, 500),
            (FaultKind.Conflict, _) => Conflict(rule, request),
            (FaultKind.RefuseReleaseWrites, 403) => Forbidden(rule, request),
            _ => throw new ArgumentException($"a {rule.Kind} fault sends no Status", nameof(rule)),
        };
        List<KeyValuePair<string, string>> headers = [];
        if (rule.EffectiveRetryAfter is { } seconds)
        {
            headers.Add(KeyValuePair.Create("Retry-After", seconds.ToString(CultureInfo.InvariantCulture)));
        }

        return new FaultAnswer(code, status, headers);
    }

    private static JsonObject Failure(string message, string? reason, JsonObject? details, int code)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
        };
        if (reason is not null)
        {
            status["reason"] = reason;
        }

        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject Internal(string cause) =>
        Failure("Internal error occurred: " + cause, "InternalError", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = cause }) }, 500);

    private static JsonObject Conflict(FaultRule rule, FaultRequest request)
    {
        var type = request.Type!;
        var details = new JsonObject { ["name"] = request.Name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Resource;
        var message = rule.Message ?? $"Operation cannot be fulfilled on {type.QualifiedResource} \"{request.Name}\": the object has been modified; please apply your changes to the latest version and try again";
        return Failure(message, "Conflict", details, 409);
    }

    /// <summary>RBAC's denial: <c>secrets "NAME" is forbidden: User "U" cannot VERB resource "secrets" in API group ""
    /// in the namespace "NS"</c>. A create has no name yet in the authorizer's attributes, so it reads
    /// <c>secrets is forbidden: ...</c>.</summary>
    private static JsonObject Forbidden(FaultRule rule, FaultRequest request)
    {
        var type = request.Type!;
        var name = request.Verb == "create" ? null : request.Name;
        var scope = request.Namespace.Length > 0 ? $"in the namespace \"{request.Namespace}\"" : "at the cluster scope";
        var reason = rule.Message ?? $"User \"{rule.User}\" cannot {request.Verb} resource \"{request.Resource}\" in API group \"{type.Group}\" {scope}";
        var subject = name is null ? type.QualifiedResource : $"{type.QualifiedResource} \"{name}\"";
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Resource;
        return Failure($"{subject} is forbidden: {reason}", "Forbidden", details, 403);
    }
}
