using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.TestSupport;

/// <summary>One request the fake Argo CD received.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/api/v1/applications/shop</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Headers">The request headers; <c>Authorization</c> holds only its scheme (<c>Bearer</c>), never the token.</param>
/// <param name="Body">The request body (for <c>POST /api/v1/session</c>, the password is replaced by <c>***</c>).</param>
/// <param name="Status">The status code answered.</param>
/// <param name="TokenAccepted">True when the request carried the server's token.</param>
public sealed record ArgoCdRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, int Status, bool TokenAccepted)
{
    /// <summary>The body as JSON, or null when empty.</summary>
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>
/// A local stand-in for the Argo CD API server (v3.5, grpc-gateway; Kestrel on 127.0.0.1), serving the subset the GitOps
/// mode uses from scripted application states: <c>POST /api/v1/session</c>, <c>GET /api/v1/applications/{name}</c>,
/// <c>GET …/resource-tree</c> and <c>POST …/rollback</c>, with Argo CD's answers to a missing or wrong token (401), an
/// unknown application (403 unless a project is given, then 404) and refused rollbacks (400), in its error body shape
/// <c>{"error","code","message","details"}</c>. Records every request (without the token) and can answer chosen ones
/// with errors first.
/// </summary>
public sealed class FakeArgoCd : IAsyncDisposable
{
    /// <summary>The token the server accepts unless another is given.</summary>
    public const string DefaultToken = "eyJhbGciOiJIUzI1NiJ9.argocd-fake-token.c2lnbmF0dXJl";

    // grpc codes as grpc-gateway writes them in "code".
    private const int InvalidArgument = 3;
    private const int NotFound = 5;
    private const int PermissionDenied = 7;
    private const int FailedPrecondition = 9;
    private const int Unauthenticated = 16;

    private readonly ConcurrentQueue<ArgoCdRequest> _requests = new();
    private readonly List<Fault> _faults = [];
    private readonly Dictionary<(string Namespace, string Name), AppScript> _apps = [];
    private readonly List<(string Namespace, string Name, long Id)> _rollbacks = [];
    private LocalHttpServer _server = null!;

    private FakeArgoCd(string token) => Token = token;

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The bearer token the server accepts (and that <c>POST /api/v1/session</c> hands out).</summary>
    public string Token { get; }

    /// <summary>The accounts <c>POST /api/v1/session</c> accepts: user name → password.</summary>
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal) { ["admin"] = "argocd-admin-password" };

    /// <summary>Every request so far, in order.</summary>
    public IReadOnlyList<ArgoCdRequest> Requests => [.. _requests];

    /// <summary>The rollbacks accepted so far: the application and the history id.</summary>
    public IReadOnlyList<(string Namespace, string Name, long Id)> Rollbacks
    {
        get
        {
            lock (_apps)
            {
                return [.. _rollbacks];
            }
        }
    }

    /// <summary>Starts the server. <paramref name="token"/> is the token it accepts; <paramref name="time"/> is the clock of
    /// the stop's grace (null = <see cref="TimeProvider.System"/>).</summary>
    public static async Task<FakeArgoCd> StartAsync(string token = DefaultToken, TimeProvider? time = null)
    {
        var argo = new FakeArgoCd(token);
        argo._server = await LocalHttpServer.StartAsync(argo.HandleAsync, time);
        argo.BaseAddress = argo._server.BaseAddress;
        return argo;
    }

    /// <summary>Serves <paramref name="app"/> from now on, in every request.</summary>
    public void SetApplication(ArgoCdApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        Set(app.Namespace, app.Name, _ => (app.Build(), app.Tree()));
    }

    /// <summary>Serves <paramref name="states"/> one per <c>GET</c> of the application (the resource tree follows the
    /// state last served); the last state stays.</summary>
    public void Script(params ArgoCdApp[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Length == 0)
        {
            throw new ArgumentException("at least one state", nameof(states));
        }

        Script(states[0].Namespace, states[0].Name, n => states[Math.Min(n, states.Length - 1)]);
    }

    /// <summary>Serves, for the <c>n</c>-th <c>GET</c> of the application (from 0), the state <paramref name="state"/> gives
    /// (a function of the count, or of a clock the test holds).</summary>
    public void Script(string appNamespace, string name, Func<int, ArgoCdApp> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Set(appNamespace, name, n =>
        {
            var app = state(n);
            return (app.Build(), app.Tree());
        });
    }

    /// <summary>Serves raw JSON: the application for the <c>n</c>-th <c>GET</c>, and its tree (null: built from
    /// <c>status.resources</c>).</summary>
    public void Set(string appNamespace, string name, Func<int, (JsonObject Application, JsonObject? Tree)> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_apps)
        {
            _apps[(appNamespace, name)] = new AppScript(state);
        }
    }

    /// <summary>How many times the application was read (<c>GET /api/v1/applications/{name}</c> answered 200).</summary>
    public int Reads(string name, string appNamespace = "argocd")
    {
        lock (_apps)
        {
            return _apps.TryGetValue((appNamespace, name), out var script) ? script.Gets : 0;
        }
    }

    /// <summary>Answers the next <paramref name="times"/> requests matching <paramref name="method"/> and the regular
    /// expression <paramref name="pathPattern"/> (-1: all) with <paramref name="status"/> and a grpc-gateway error body,
    /// with a <c>Retry-After</c> header when given.</summary>
    public void Fail(string method, string pathPattern, int status, int times, string? retryAfter = null)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, new Regex(pathPattern), status, times, retryAfter));
        }
    }

    /// <summary>The requests with <paramref name="method"/> whose path matches <paramref name="pathPattern"/>.</summary>
    public IReadOnlyList<ArgoCdRequest> Matching(string method, string pathPattern) =>
        [.. Requests.Where(r => r.Method == method && Regex.IsMatch(r.Path, pathPattern))];

    /// <summary>Stops at once (see <see cref="LocalHttpServer.DisposeAsync"/>).</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var method = http.Request.Method;
        var path = http.Request.Path.Value ?? "";
        var query = http.Request.Query;
        var authorization = http.Request.Headers.Authorization.ToString();
        var tokenAccepted = authorization == "Bearer " + Token;

        var (status, response, headers) = Answer(method, path, query, body, authorization);

        var recorded = http.Request.Headers.ToDictionary(
            h => h.Key,
            h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase) ? h.Value.ToString().Split(' ')[0] : h.Value.ToString(),
            StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new ArgoCdRequest(method, path, http.Request.QueryString.Value ?? "", recorded, RedactSession(path, body), status, tokenAccepted));

        http.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            http.Response.Headers[name] = value;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(response);
    }

    private (int Status, string Body, IReadOnlyList<(string, string)> Headers) Answer(string method, string path, IQueryCollection query, string body, string authorization)
    {
        Fault? fault;
        lock (_faults)
        {
            fault = _faults.FirstOrDefault(f => f.Method == method && f.Path.IsMatch(path) && f.Times != 0);
            if (fault is not null && fault.Times > 0)
            {
                fault.Times--;
            }
        }

        if (fault is not null)
        {
            var headers = fault.RetryAfter is null ? new List<(string, string)>() : [("Retry-After", fault.RetryAfter)];
            return (fault.Status, Error(fault.Status == 503 ? 14 : 13, $"injected {fault.Status.ToString(CultureInfo.InvariantCulture)}"), headers);
        }

        if (method == "POST" && path == "/api/v1/session")
        {
            return Session(body);
        }

        if (!path.StartsWith("/api/v1/", StringComparison.Ordinal))
        {
            return (404, Error(NotFound, "Not Found"), []);
        }

        if (authorization.Length == 0 || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return (401, Error(Unauthenticated, "no session information"), []);
        }

        if (authorization != "Bearer " + Token)
        {
            return (401, Error(Unauthenticated, "invalid session: token signature is invalid"), []);
        }

        var m = Regex.Match(path, @"^/api/v1/applications/([^/]+)(/resource-tree|/rollback)?$");
        if (!m.Success)
        {
            return (404, Error(NotFound, "Not Found"), []);
        }

        var name = Uri.UnescapeDataString(m.Groups[1].Value);
        var sub = m.Groups[2].Value;
        JsonObject? request = null;
        if (method == "POST")
        {
            try
            {
                request = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                return (400, Error(InvalidArgument, "unexpected EOF"), []);
            }
        }

        var appNamespace = (string?)request?["appNamespace"] ?? query["appNamespace"].FirstOrDefault() ?? "argocd";
        var projects = query["project"].Concat(query["projects"]).Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList();
        if (request?["project"] is JsonValue projectValue)
        {
            projects.Add(projectValue.GetValue<string>());
        }

        lock (_apps)
        {
            if (!_apps.TryGetValue((appNamespace, name), out var script))
            {
                // Argo CD does not tell a missing application from a forbidden one unless the project is named.
                return projects.Count > 0
                    ? (404, Error(NotFound, $"applications.argoproj.io \"{name}\" not found"), [])
                    : (403, Error(PermissionDenied, "permission denied"), []);
            }

            var (application, tree) = method == "GET" && sub.Length == 0 ? script.Next() : script.Current();
            var project = (string?)application["spec"]?["project"] ?? "default";
            if (projects.Count > 0 && !projects.Contains(project, StringComparer.Ordinal))
            {
                return (403, Error(PermissionDenied, "permission denied"), []);
            }

            switch (method, sub)
            {
                case ("GET", ""):
                    return (200, application.ToJsonString(), []);
                case ("GET", "/resource-tree"):
                    return (200, (tree ?? TreeOf(application)).ToJsonString(), []);
                case ("POST", "/rollback"):
                    return Rollback(application, appNamespace, name, request!);
                default:
                    return (404, Error(NotFound, "Not Found"), []);
            }
        }
    }

    private (int, string, IReadOnlyList<(string, string)>) Session(string body)
    {
        JsonObject? request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        var user = (string?)request?["username"];
        var password = (string?)request?["password"];
        return user is not null && Users.TryGetValue(user, out var expected) && expected == password
            ? (200, new JsonObject { ["token"] = Token }.ToJsonString(), [])
            : (401, Error(Unauthenticated, "Invalid username or password"), []);
    }

    private (int, string, IReadOnlyList<(string, string)>) Rollback(JsonObject application, string appNamespace, string name, JsonObject request)
    {
        if (application["spec"]?["syncPolicy"]?["automated"] is JsonObject)
        {
            return (400, Error(FailedPrecondition, "rollback cannot be initiated when auto-sync is enabled"), []);
        }

        var id = request["id"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>(),
            JsonValue v when long.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        };
        var history = (application["status"]?["history"] as JsonArray ?? []).OfType<JsonObject>();
        if (!history.Any(h => (long?)h["id"] == id))
        {
            return (400, Error(InvalidArgument, $"application {name} does not have deployment with id {id.ToString(CultureInfo.InvariantCulture)}"), []);
        }

        _rollbacks.Add((appNamespace, name, id));
        return (200, application.ToJsonString(), []);
    }

    private static JsonObject TreeOf(JsonObject application) => new()
    {
        ["nodes"] = new JsonArray([.. (application["status"]?["resources"] as JsonArray ?? []).Select(r => r?.DeepClone())]),
    };

    private static string Error(int code, string message) =>
        new JsonObject { ["error"] = message, ["code"] = code, ["message"] = message, ["details"] = new JsonArray() }.ToJsonString();

    private static string RedactSession(string path, string body)
    {
        if (path != "/api/v1/session" || body.Length == 0)
        {
            return body;
        }

        try
        {
            if (JsonNode.Parse(body) is JsonObject login && login.ContainsKey("password"))
            {
                login["password"] = "***";
                return login.ToJsonString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: recorded as sent, it holds no password field.
        }

        return body;
    }

    private sealed class AppScript(Func<int, (JsonObject, JsonObject?)> state)
    {
        private (JsonObject, JsonObject?)? _current;

        public int Gets { get; private set; }

        public (JsonObject Application, JsonObject? Tree) Next()
        {
            _current = state(Gets);
            Gets++;
            return _current.Value;
        }

        public (JsonObject Application, JsonObject? Tree) Current() => _current ??= state(0);
    }

    private sealed class Fault(string method, Regex path, int status, int times, string? retryAfter)
    {
        public string Method { get; } = method;

        public Regex Path { get; } = path;

        public int Status { get; } = status;

        public int Times { get; set; } = times;

        public string? RetryAfter { get; } = retryAfter;
    }
}
