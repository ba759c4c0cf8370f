using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// A Kubernetes API failure: an HTTP code plus the <c>reason</c> of a <c>Status</c> object
/// (NotFound, AlreadyExists, Conflict, Invalid, BadRequest, UnsupportedMediaType, MethodNotAllowed, Gone).
/// </summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the failure.</summary>
    public ApiException(int code, string reason, string message)
        : base(message)
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Creates a failure with no further detail (400 BadRequest).</summary>
    public ApiException()
        : this(400, "BadRequest", "bad request")
    {
    }

    /// <summary>Creates a failure with a message (400 BadRequest).</summary>
    public ApiException(string message)
        : this(400, "BadRequest", message)
    {
    }

    /// <summary>Creates a failure with a message and a cause (400 BadRequest).</summary>
    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 400;
        Reason = "BadRequest";
    }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; }

    /// <summary>The Status reason, e.g. <c>NotFound</c>.</summary>
    public string Reason { get; }

    /// <summary>The <c>details</c> of the Status (name, group, kind, causes), if any.</summary>
    public JsonObject? Details { get; init; }

    /// <summary>The <c>Status</c> object a real apiserver returns for this failure.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }

        status["code"] = Code;
        return status;
    }

    internal static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found") { Details = Detail(type, name) };

    internal static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists") { Details = Detail(type, name) };

    /// <summary>Whether this is the 409 of a write whose resourceVersion is no longer the stored one (see <see cref="Conflict"/>).</summary>
    internal bool StaleResourceVersion { get; private init; }

    internal static ApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")
        {
            Details = Detail(type, name),
            StaleResourceVersion = true,
        };

    internal static ApiException Invalid(ResourceType type, string name, string field, string message)
    {
        var details = Detail(type, name);
        details["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = message, ["field"] = field });
        return new ApiException(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {field}: {message}") { Details = details };
    }

    /// <summary>
    /// The 422 an apiserver's validation answers (apimachinery's <c>NewInvalid</c>): the message
    /// <c>Kind.group "name" is invalid: field: Type: detail</c> (several errors as <c>[a, b]</c>), and one cause per error
    /// whose message is the error without its field. Unlike the other Status details, <c>kind</c> is the Kind.
    /// </summary>
    internal static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        var rendered = errors.Select(e => $"{e.Field}: {e.Body}").ToList();
        var text = rendered.Count == 1 ? rendered[0] : "[" + string.Join(", ", rendered) + "]";
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field }).ToArray());
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {text}") { Details = details };
    }

    internal static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    private static JsonObject Detail(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Resource;
        return details;
    }
}
