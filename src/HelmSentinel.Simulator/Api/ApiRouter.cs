using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Api.Bodies;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// The one request entry point: logs the request, serves the <c>/_sim/</c> control surface, applies the faults that
/// are due (a delay, then a Status, a dropped connection or a watch cut), serves discovery and OpenAPI, hands
/// resource URLs to <see cref="ResourceHandler"/> and turns failures into Status objects.
/// </summary>
internal sealed class ApiRouter(
    ResourceHandler resources, ProxyHandler proxies, FaultSet faults, ServedVersions versions, TypeCatalogue types, TimeProvider time, Action<string>? requestLog, string? bearerToken, CancellationToken stopping)
{
    private const int RetainedRequests = 10000;

    /// <summary>Quotes escaped as <c>\"</c>, apostrophes as they are, as Go's encoder writes a Status message.</summary>
    private static readonly JsonSerializerOptions GoLikeJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentQueue<string> _requests = new();

    public IReadOnlyList<string> Requests => _requests.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var line = $"{request.Method} {request.Path}{request.QueryString}";
        _requests.Enqueue(line);
        while (_requests.Count > RetainedRequests && _requests.TryDequeue(out _))
        {
        }

        requestLog?.Invoke(line);
        var path = request.Path.Value ?? "/";
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            if (path == "/_sim" || path.StartsWith("/_sim/", StringComparison.Ordinal))
            {
                await ControlAsync(context, path, body);
                return;
            }

            if (bearerToken is not null && request.Headers.Authorization.ToString() != "Bearer " + bearerToken)
            {
                // As the apiserver's authentication filter answers: no details, no hint which credential was wrong.
                throw new ApiException(401, "Unauthorized", "Unauthorized");
            }

            FaultRule? cut = null;
            if (!faults.IsEmpty)
            {
                var classified = Classify(request, path, body, types);
                var decision = faults.Decide(classified);
                if (decision.Delay > TimeSpan.Zero)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
                    await Task.Delay(decision.Delay, time, wait.Token);
                }

                switch (decision.Answer)
                {
                    case { Kind: FaultKind.Reset }:
                        context.Abort();
                        return;
                    case { Kind: FaultKind.WatchCut } watchCut:
                        cut = watchCut;
                        break;
                    case { } rule:
                        await WriteFaultAsync(context, FaultAnswer.For(rule, classified));
                        return;
                }
            }

            await RouteAsync(context, path, body, cut);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = e.Code;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(e.ToStatus().ToJsonString(GoLikeJson));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // The client or the simulator went away.
        }
#pragma warning disable CA1031 // Any bug must surface to the client as a 500 Status, not a dropped connection.
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, 500, new ApiException(500, "InternalError", "simulator error: " + e).ToStatus());
        }
#pragma warning restore CA1031
    }

    private static Task WriteAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>A fault's Status, in protobuf when the client asked for it first (as the apiserver negotiates), else JSON.</summary>
    private static async Task WriteFaultAsync(HttpContext context, FaultAnswer answer)
    {
        context.Response.StatusCode = answer.Code;
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        if (KubeProtobuf.Wanted(context.Request.Headers.Accept))
        {
            context.Response.ContentType = KubeProtobuf.MediaType;
            await context.Response.Body.WriteAsync(KubeProtobuf.EncodeStatus(answer.Status));
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Status.ToJsonString(GoLikeJson));
    }

    /// <summary>The request as faults see it: the verb as the apiserver's RequestInfo names it, the resource and
    /// subresource, the namespace, and the name (for a create, the one in the body).</summary>
    internal static FaultRequest Classify(HttpRequest request, string path, byte[] body, TypeCatalogue types)
    {
        if (ProxyTarget.Parse(path) is { } proxy)
        {
            // A connect verb follows the method as the apiserver's RequestInfo names it.
            var connect = request.Method switch
            {
                "GET" or "HEAD" => "get",
                "POST" => "create",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                var other => other.ToLowerInvariant(),
            };
            return new FaultRequest(connect, path, proxy.Type, "proxy", proxy.Namespace, proxy.Name, string.Empty);
        }

        ResourcePath? target;
        try
        {
            target = ResourcePath.Parse(path.Length > 1 ? path.TrimEnd('/') : path, types);
        }
        catch (ApiException)
        {
            target = null; // an unknown resource: the 404 comes later, unless a fault on its path answers first
        }

        if (target is null)
        {
            return new FaultRequest(request.Method.ToLowerInvariant(), path, null, null, string.Empty, null, string.Empty);
        }

        var watch = request.Query["watch"].ToString() is "true" or "1";
        var verb = request.Method switch
        {
            "GET" when watch => "watch",
            "GET" when target.Name is null => "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when target.Name is null => "deletecollection",
            "DELETE" => "delete",
            var other => other.ToLowerInvariant(),
        };
        var name = target.Name ?? (verb == "create" ? NameInBody(request.ContentType, body) : null);
        return new FaultRequest(verb, path, target.Type, target.Subresource, target.Namespace ?? string.Empty, name, request.Query["labelSelector"].ToString());
    }

    private static string? NameInBody(string? contentType, byte[] body)
    {
        try
        {
            return RequestBody.Decode(contentType, body).Text("metadata.name");
        }
        catch (ApiException)
        {
            return null; // the create itself will say what is wrong with the body
        }
    }

    private async Task ControlAsync(HttpContext context, string path, byte[] body)
    {
        var isGet = context.Request.Method == "GET";
        switch (path.TrimEnd('/'))
        {
            case "/_sim/requests" when isGet:
                await WriteAsync(context, 200, new JsonArray(Requests.Select(r => (JsonNode)r).ToArray()));
                return;
            case "/_sim/faults":
                await FaultEndpoint.HandleAsync(context, faults, null, body);
                return;
            case var faultPath when faultPath.StartsWith("/_sim/faults/", StringComparison.Ordinal):
                await FaultEndpoint.HandleAsync(context, faults, Uri.UnescapeDataString(faultPath["/_sim/faults/".Length..]), body);
                return;
            default:
                throw ResourcePath.NotFound();
        }
    }

    private async Task RouteAsync(HttpContext context, string path, byte[] body, FaultRule? cut)
    {
        if (ProxyTarget.Parse(path) is { } proxy)
        {
            await proxies.HandleAsync(context, proxy, stopping);
            return;
        }

        path = path.Length > 1 ? path.TrimEnd('/') : path;
        var isGet = context.Request.Method == "GET";
        switch (path)
        {
            case "/version" when isGet:
                await WriteAsync(context, 200, Discovery.Version());
                return;
            case "/api" when isGet:
                await WriteAsync(context, 200, Discovery.CoreVersions(versions.Served));
                return;
            case "/apis" when isGet:
                await WriteAsync(context, 200, Discovery.GroupList(versions.Served));
                return;
            case "/openapi/v3" when isGet:
                // OpenAPI keeps an unserved group-version: without /openapi/v2 (which a real server has) Helm's and kubectl's
                // validator would stop at a 404 there, where on a real cluster they get on to the REST mapping's "no matches".
                await WriteAsync(context, 200, OpenApi.Root(types));
                return;
            case "/healthz" or "/livez" or "/readyz":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok");
                return;
        }

        if (isGet && path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            await WriteAsync(context, 200, OpenApi.Document(types, path["/openapi/v3/".Length..]) ?? throw ResourcePath.NotFound());
            return;
        }

        var groupVersion = path switch
        {
            "/api/v1" => "v1",
            _ when path.StartsWith("/apis/", StringComparison.Ordinal) && path.Count(c => c == '/') == 3 => path["/apis/".Length..],
            _ when path.StartsWith("/apis/", StringComparison.Ordinal) && path.Count(c => c == '/') == 2 => path["/apis/".Length..],
            _ => null,
        };
        if (groupVersion is not null && isGet)
        {
            var served = versions.Served;
            if (served.Contains(groupVersion))
            {
                await WriteAsync(context, 200, Discovery.ResourceList(types, groupVersion));
                return;
            }

            if (!groupVersion.Contains('/', StringComparison.Ordinal) && served.Any(gv => gv.Split('/')[0] == groupVersion && gv.Contains('/', StringComparison.Ordinal)))
            {
                await WriteAsync(context, 200, Discovery.Group(groupVersion, served));
                return;
            }

            throw ResourcePath.NotFound();
        }

        var target = ResourcePath.Parse(path, types) ?? throw ResourcePath.NotFound();
        if (!versions.IsServed(target.Type.ApiVersion))
        {
            throw ResourcePath.NotFound();
        }

        await resources.HandleAsync(context, target, body, cut, stopping);
    }
}
