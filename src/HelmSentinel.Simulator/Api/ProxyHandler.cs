using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Api;

/// <summary>Answers an HTTP request as the app on a pod's port does: (namespace, pod, request) → answer, or null when nothing
/// listens there (the connection is refused).</summary>
internal delegate Task<AppAnswer?> PodHttpSource(string ns, string pod, AppRequest request, CancellationToken ct);

/// <summary>
/// The <c>services/proxy</c> and <c>pods/proxy</c> subresources, resolved as the apiserver's <c>ResourceLocation</c> does and
/// answered by the simulated apps. A Service is resolved from its selector's pods as the endpoints controller would list them;
/// among its Ready endpoints the pods take turns (round-robin per service port, in name order) where the apiserver picks at random.
/// </summary>
internal sealed class ProxyHandler(ObjectStore store, PodHttpSource? apps)
{
    /// <summary>The methods the apiserver proxies (<c>ProxyREST.ConnectMethods</c>); any other is 405.</summary>
    public static readonly IReadOnlySet<string> Methods = new HashSet<string>(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Namespace, string Service, string Port), long> _turns = new();

    public async Task HandleAsync(HttpContext context, ProxyTarget target, CancellationToken stopping)
    {
        var request = context.Request;
        if (!Methods.Contains(request.Method))
        {
            throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }

        if (request.Query.ContainsKey("dryRun"))
        {
            throw ApiException.BadRequest("dryRun is not supported");
        }

        var (pod, ip, port) = target.Type == ResourceTypes.Services ? ResolveService(target) : ResolvePod(target);
        if (target.Path.Length == 0)
        {
            // The apiserver's answer to an empty backend path (kubernetes issue 4958): the same URL with a slash.
            context.Response.StatusCode = 301;
            context.Response.Headers.Location = request.Path.Value + "/" + request.QueryString.Value;
            return;
        }

        if (port.Number is not { } number)
        {
            throw Unreachable($"dial tcp: lookup tcp/{port.Text}: unknown port");
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        AppAnswer? answer;
        try
        {
            var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
            answer = apps is null ? null : await apps(target.Namespace, pod, new AppRequest(request.Method, number, target.Path, query), wait.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The simulator stops while an app is still taking its time: the connection goes down with the server.
            context.Abort();
            return;
        }

        if (answer is null)
        {
            throw Unreachable($"dial tcp {ip}:{number.ToString(CultureInfo.InvariantCulture)}: connect: connection refused");
        }

        context.Response.StatusCode = answer.Code;
        context.Response.ContentType = answer.ContentType;
        if (request.Method != "HEAD")
        {
            await context.Response.WriteAsync(answer.Body, context.RequestAborted);
        }
    }

    /// <summary>The 503 the apiserver's proxy transport gives when it cannot reach the backend.</summary>
    private static ApiException Unreachable(string dialError) => new(503, "ServiceUnavailable", "error trying to reach service: " + dialError);

    private static ApiException NotFound(string resource, string name) =>
        new(404, "NotFound", $"{resource} \"{name}\" not found") { Details = new JsonObject { ["name"] = name, ["kind"] = resource } };

    private static IEnumerable<JsonObject> All(JsonNode? node, string dottedPath) => node.At(dottedPath) is JsonArray items ? items.OfType<JsonObject>() : [];

    private static string? PodIp(JsonObject pod) =>
        pod["status"]?["podIPs"] is JsonArray { Count: > 0 } ips ? ips[0]?["ip"]?.GetValue<string>() : pod.Text("status.podIP");

    private static bool IsReady(JsonObject pod) =>
        All(pod, "status.conditions").Any(c => c.Text("type") == "Ready" && c.Text("status") == "True");

    /// <summary>Pod proxy (pod <c>ResourceLocation</c>): the port as written, else the first declared container port, else the
    /// scheme's own; an address only once the pod has an IP.</summary>
    private (string Pod, string Ip, PodPort Port) ResolvePod(ProxyTarget target)
    {
        var (scheme, name, port) = target.Split() ?? throw ApiException.BadRequest($"invalid pod request \"{target.Id}\"");
        var pod = store.Get(ResourceTypes.Pods, target.Namespace, name) ?? throw ApiException.NotFound(ResourceTypes.Pods, name);
        if (port.Length == 0)
        {
            port = All(pod, "spec.containers").SelectMany(c => All(c, "ports")).Select(p => p.Long("containerPort")).OfType<long>()
                .Select(p => p.ToString(CultureInfo.InvariantCulture)).FirstOrDefault() ?? string.Empty;
        }

        var ip = PodIp(pod);
        if (ip is null || !System.Net.IPAddress.TryParse(ip, out _))
        {
            throw ApiException.BadRequest("address not allowed");
        }

        return (name, ip, PodPort.Of(port, scheme));
    }

    /// <summary>
    /// Service proxy (service <c>ResourceLocation</c>): a port number is first mapped to the service port's name; then the
    /// Endpoints as the endpoints controller writes them (one address per selected pod with an IP that is not finished, Ready
    /// or not, where the port's targetPort resolves on it) must hold a Ready address for the named (or unnamed) port.
    /// </summary>
    private (string Pod, string Ip, PodPort Port) ResolveService(ProxyTarget target)
    {
        var (scheme, name, port) = target.Split() ?? throw ApiException.BadRequest($"invalid service request \"{target.Id}\"");
        var ns = target.Namespace;
        var service = store.Get(ResourceTypes.Services, ns, name);
        var ports = All(service, "spec.ports").ToList();
        if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (service is null)
            {
                throw ApiException.NotFound(ResourceTypes.Services, name);
            }

            port = ports.FirstOrDefault(p => p.Long("port") == number) is { } byNumber
                ? byNumber.Text("name") ?? string.Empty
                : throw new ApiException(503, "ServiceUnavailable", $"no service port {number.ToString(CultureInfo.InvariantCulture)} found for service \"{name}\"");
        }

        // Only a Service with a selector has Endpoints maintained for it; the simulator serves no Endpoints objects of its own.
        var selector = service?.StringMap("spec.selector") ?? new Dictionary<string, string>();
        if (service is null || selector.Count == 0)
        {
            throw NotFound("endpoints", name);
        }

        var publishNotReady = service.At("spec.publishNotReadyAddresses") is JsonValue flag && flag.TryGetValue<bool>(out var on) && on;
        var pods = store.List(ResourceTypes.Pods, ns, p => Selects(selector, p.StringMap("metadata.labels")) && PodIp(p) is not null &&
                p.Text("status.phase") is not ("Succeeded" or "Failed"))
            .OrderBy(p => p.Text("metadata.name"), StringComparer.Ordinal)
            .ToList();
        var endpoints = ports.SelectMany(sp => pods.Select(p => (ServicePort: sp, Pod: p, Target: TargetPort(sp, p))))
            .Where(e => e.Target is not null)
            .ToList();
        if (endpoints.Count == 0)
        {
            throw new ApiException(503, "ServiceUnavailable", $"no endpoints available for service \"{name}\"");
        }

        var ready = endpoints.Where(e => (e.ServicePort.Text("name") ?? string.Empty) == port && (publishNotReady || IsReady(e.Pod))).ToList();
        if (ready.Count == 0)
        {
            throw new ApiException(503, "ServiceUnavailable", $"no endpoints available for service \"{target.Id}\"");
        }

        var turn = _turns.AddOrUpdate((ns, name, port), 0, (_, n) => n + 1);
        var chosen = ready[(int)(turn % ready.Count)];
        return (chosen.Pod.Text("metadata.name")!, PodIp(chosen.Pod)!, new PodPort(chosen.Target!.Value.ToString(CultureInfo.InvariantCulture), chosen.Target));
    }

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>The port a service port reaches on a pod (<c>FindPort</c>): a number as it is, a name by the pod's container
    /// ports; null when the pod has no port of that name.</summary>
    private static int? TargetPort(JsonObject servicePort, JsonObject pod)
    {
        var target = servicePort["targetPort"] ?? servicePort["port"];
        if (target is JsonValue value && value.TryGetValue<long>(out var n))
        {
            return (int)n;
        }

        var portName = target?.ToString();
        if (int.TryParse(portName, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            return numeric;
        }

        return All(pod, "spec.containers").SelectMany(c => All(c, "ports")).FirstOrDefault(p => p.Text("name") == portName)?.Long("containerPort") is { } found
            ? (int)found
            : null;
    }

    /// <summary>The port a dial goes to: the text after the name, and its number when it has one. A pod port is used as the
    /// dialer gets it: a number, empty (the scheme's own: 80 or 443), or one of the dialer's service names <c>http</c>/<c>https</c>.</summary>
    private sealed record PodPort(string Text, int? Number)
    {
        public static PodPort Of(string port, string scheme) => port switch
        {
            "" => new PodPort(port, scheme == "https" ? 443 : 80),
            "http" => new PodPort(port, 80),
            "https" => new PodPort(port, 443),
            _ when int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65536 => new PodPort(port, n),
            _ => new PodPort(port, null),
        };
    }
}
