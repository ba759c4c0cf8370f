using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// <c>/_sim/faults</c>, for loopback callers only: <c>GET</c> lists the faults with their counts, <c>POST</c> adds one
/// (a <see cref="FaultJson"/> object; 201 with the fault as added), <c>DELETE</c> clears them all;
/// <c>GET</c>/<c>DELETE /_sim/faults/ID</c> read or remove one. Errors are Status objects.
/// </summary>
internal static class FaultEndpoint
{
    public static Task HandleAsync(HttpContext context, FaultSet faults, string? id, byte[] body)
    {
        if (!IsLoopback(context.Connection.RemoteIpAddress))
        {
            throw new ApiException(403, "Forbidden", "the fault control surface is served to loopback callers only");
        }

        return (context.Request.Method, id) switch
        {
            ("GET", null) => WriteAsync(context, 200, new JsonArray([.. faults.List().Select(c => (JsonNode)Describe(c))])),
            ("GET", { } one) => WriteAsync(context, 200, Describe(Find(faults, one))),
            ("POST", null) => AddAsync(context, faults, body),
            ("DELETE", null) => WriteAsync(context, 200, new JsonObject { ["cleared"] = faults.Clear() }),
            ("DELETE", { } one) => faults.Remove(one)
                ? WriteAsync(context, 200, new JsonObject { ["removed"] = one })
                : throw NotFound(one),
            _ => throw new ApiException(405, "MethodNotAllowed", "the fault control surface serves GET, POST and DELETE on /_sim/faults, GET and DELETE on /_sim/faults/ID"),
        };
    }

    /// <summary>Loopback, also as an IPv4-mapped IPv6 address; an unknown peer is not.</summary>
    internal static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static Task AddAsync(HttpContext context, FaultSet faults, byte[] body)
    {
        FaultRule rule;
        try
        {
            rule = FaultJson.Parse(JsonNode.Parse(body.Length == 0 ? "null" : Encoding.UTF8.GetString(body)));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw ApiException.BadRequest("invalid fault: " + e.Message);
        }

        if (rule.Id is { } id && faults.List().Any(c => c.Rule.Id == id))
        {
            throw new ApiException(409, "AlreadyExists", $"a fault with id '{id}' is already set");
        }

        var added = faults.Add(rule);
        return WriteAsync(context, 201, Describe(Find(faults, added.Id!)));
    }

    private static JsonObject Describe(FaultCount count) => FaultJson.ToJson(count.Rule, count);

    private static FaultCount Find(FaultSet faults, string id) =>
        faults.List().FirstOrDefault(c => c.Rule.Id == id) ?? throw NotFound(id);

    private static ApiException NotFound(string id) => new(404, "NotFound", $"no fault with id '{id}'");

    private static Task WriteAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }
}
