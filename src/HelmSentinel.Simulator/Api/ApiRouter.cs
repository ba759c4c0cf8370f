using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// The one request entry point: logs the request, serves discovery, OpenAPI and the <c>/_sim/</c> control
/// surface, hands resource URLs to <see cref="ResourceHandler"/> and turns failures into Status objects.
/// </summary>
internal sealed class ApiRouter(ResourceHandler resources, Action<string>? requestLog, CancellationToken stopping)
{
    private const int RetainedRequests = 10000;
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
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            await RouteAsync(context, request.Path.Value ?? "/", buffer.ToArray());
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.Code, e.ToStatus());
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

    private async Task RouteAsync(HttpContext context, string path, byte[] body)
    {
        path = path.Length > 1 ? path.TrimEnd('/') : path;
        var isGet = context.Request.Method == "GET";
        switch (path)
        {
            case "/version" when isGet:
                await WriteAsync(context, 200, Discovery.Version());
                return;
            case "/api" when isGet:
                await WriteAsync(context, 200, Discovery.CoreVersions());
                return;
            case "/apis" when isGet:
                await WriteAsync(context, 200, Discovery.GroupList());
                return;
            case "/openapi/v3" when isGet:
                await WriteAsync(context, 200, OpenApi.Root());
                return;
            case "/healthz" or "/livez" or "/readyz":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok");
                return;
            case "/_sim/requests" when isGet:
                await WriteAsync(context, 200, new JsonArray(Requests.Select(r => (JsonNode)r).ToArray()));
                return;
        }

        if (isGet && path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            await WriteAsync(context, 200, OpenApi.Document(path["/openapi/v3/".Length..]) ?? throw ResourcePath.NotFound());
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
            if (Discovery.GroupVersions.Contains(groupVersion))
            {
                await WriteAsync(context, 200, Discovery.ResourceList(groupVersion));
                return;
            }

            var group = Discovery.GroupVersions.FirstOrDefault(gv => gv.Split('/')[0] == groupVersion);
            if (group is not null)
            {
                await WriteAsync(context, 200, Discovery.Group(group));
                return;
            }

            throw ResourcePath.NotFound();
        }

        var target = ResourcePath.Parse(path) ?? throw ResourcePath.NotFound();
        await resources.HandleAsync(context, target, body, stopping);
    }
}
