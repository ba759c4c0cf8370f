using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Resilience.ArgoCd;
using HelmSentinel.Text;
using Polly;

namespace HelmSentinel.GitOps.ArgoCd;

/// <summary>
/// The few Argo CD REST calls the GitOps mode makes (<c>/api/v1</c>, grpc-gateway), with an <see cref="HttpClient"/>
/// through a Polly retry: read an application and its resource tree, roll it back. Authenticates with
/// <c>Authorization: Bearer</c>; the token is sent in that header only and masked in every message.
/// </summary>
public sealed class ArgoCdRestClient
{
    private readonly HttpClient _http;
    private readonly string _token;
    private readonly string _tokenVariable;
    private readonly SecretMasker _masker;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ArgoCdRetryOptions _retry;

    /// <summary>Creates a client for one server; <paramref name="http"/> is not disposed.</summary>
    /// <param name="http">Sends the requests.</param>
    /// <param name="server">The server's base URL (see <see cref="ArgoCdServerUrl.Parse"/>).</param>
    /// <param name="token">The API token, as read from the environment by the caller.</param>
    /// <param name="tokenVariable">The name of the environment variable the token came from (e.g. <c>ARGOCD_TOKEN</c>), for
    /// the messages.</param>
    /// <param name="retry">Attempts and waits; null = the defaults.</param>
    /// <param name="time">The clock the waits are measured on; null = the system clock.</param>
    /// <param name="onRetry">Hears of every retry (what failed, the wait), e.g. for the log; never the token.</param>
    public ArgoCdRestClient(
        HttpClient http,
        Uri server,
        string token,
        string tokenVariable,
        ArgoCdRetryOptions? retry = null,
        TimeProvider? time = null,
        Action<string>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenVariable);
        _http = http;
        Server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _token = token.Trim();
        _tokenVariable = tokenVariable;
        _masker = new SecretMasker([token, _token]);
        _retry = retry ?? new ArgoCdRetryOptions();
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddArgoCdRetry(_retry, time ?? TimeProvider.System, onRetry is null
                ? null
                : (what, wait) => onRetry($"Argo CD answered {what}; retrying in {wait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s"))
            .Build();
    }

    /// <summary>The server's base URL.</summary>
    public Uri Server { get; }

    /// <summary><c>GET /api/v1/applications/{name}</c>: the Application object.</summary>
    /// <param name="name">The application's name.</param>
    /// <param name="appNamespace">Its namespace when it is not in Argo CD's own (apps in any namespace).</param>
    /// <param name="project">Its project: with it, an unknown application is a 404 instead of a 403.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="GitOpsSourceException">Refused, not found, or unreachable after the retries.</exception>
    public async Task<JsonObject> GetApplicationAsync(string name, string? appNamespace = null, string? project = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var body = await SendAsync(HttpMethod.Get, ApplicationPath(name), Query(appNamespace, project), null, Target(name, appNamespace, project), cancellationToken);
        return body as JsonObject ?? throw Unreadable("GET", ApplicationPath(name));
    }

    /// <summary><c>GET /api/v1/applications/{name}/resource-tree</c>: every node (the managed resources and their children,
    /// such as ReplicaSets and Pods) with its health and health message.</summary>
    /// <param name="name">The application's name.</param>
    /// <param name="appNamespace">Its namespace when it is not in Argo CD's own.</param>
    /// <param name="project">Its project.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="GitOpsSourceException">Refused, not found, or unreachable after the retries.</exception>
    public async Task<IReadOnlyList<AppResource>> GetResourceTreeAsync(string name, string? appNamespace = null, string? project = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var path = ApplicationPath(name) + "/resource-tree";
        var body = await SendAsync(HttpMethod.Get, path, Query(appNamespace, project), null, Target(name, appNamespace, project), cancellationToken);
        return ArgoCdApplicationStatus.TreeNodes(body as JsonObject ?? throw Unreadable("GET", path));
    }

    /// <summary><c>POST /api/v1/applications/{name}/rollback</c> to the history entry <paramref name="historyId"/>:
    /// returns the Application as Argo CD answers it.</summary>
    /// <param name="name">The application's name.</param>
    /// <param name="historyId">The <c>status.history[].id</c> to go back to.</param>
    /// <param name="appNamespace">Its namespace when it is not in Argo CD's own.</param>
    /// <param name="project">Its project.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="ArgoCdRollbackRefusedException">Argo CD refused it (400), with its message: auto-sync on, unknown id…</exception>
    /// <exception cref="GitOpsSourceException">Refused credentials, not found, or unreachable after the retries.</exception>
    public async Task<JsonObject> RollbackAsync(string name, long historyId, string? appNamespace = null, string? project = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var path = ApplicationPath(name) + "/rollback";
        var request = new JsonObject
        {
            ["name"] = name,
            ["id"] = historyId,
            ["dryRun"] = false,
            ["prune"] = false,
        };
        if (!string.IsNullOrEmpty(appNamespace))
        {
            request["appNamespace"] = appNamespace;
        }

        if (!string.IsNullOrEmpty(project))
        {
            request["project"] = project;
        }

        var body = await SendAsync(HttpMethod.Post, path, "", request, Target(name, appNamespace, project), cancellationToken, historyId);
        return body as JsonObject ?? throw Unreadable("POST", path);
    }

    /// <summary>The message of an Argo CD error body (<c>{"error","code","message","details"}</c>, grpc-gateway), else
    /// the body itself on one line, cut to 300 characters.</summary>
    /// <param name="body">The response body.</param>
    public static (string Message, int? Code) ErrorMessage(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            if (JsonNode.Parse(body) is JsonObject error)
            {
                var message = error["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>()
                    : error["error"] is JsonValue e && e.GetValueKind() == JsonValueKind.String ? e.GetValue<string>()
                    : null;
                int? code = error["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.Number ? c.GetValue<int>() : null;
                if (!string.IsNullOrWhiteSpace(message))
                {
                    return (TextFormat.OneLine(message), code);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): the text itself says more than nothing.
        }

        return (TextFormat.Cut(TextFormat.OneLine(body), 300, "…"), null);
    }

    private static string ApplicationPath(string name) => "api/v1/applications/" + Uri.EscapeDataString(name);

    private static string Query(string? appNamespace, string? project)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(appNamespace))
        {
            parts.Add("appNamespace=" + Uri.EscapeDataString(appNamespace));
        }

        if (!string.IsNullOrEmpty(project))
        {
            parts.Add("project=" + Uri.EscapeDataString(project));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static (string Name, string? Namespace, string? Project) Target(string name, string? appNamespace, string? project) => (name, appNamespace, project);

    private static GitOpsSourceException Unreadable(string method, string path) =>
        new(GitOpsSourceFailure.Unreachable, $"Argo CD answered {method} /{path} with a body that is not a JSON object");

    private async Task<JsonNode?> SendAsync(
        HttpMethod method,
        string path,
        string query,
        JsonNode? body,
        (string Name, string? Namespace, string? Project) target,
        CancellationToken cancellationToken,
        long? rollbackId = null)
    {
        var uri = new Uri(Server, path + query);
        var payload = body?.ToJsonString();
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = JsonHttp.Request(method, uri, _token, payload);
                return await _http.SendAsync(request, ct);
            }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException })
        {
            throw new GitOpsSourceException(
                GitOpsSourceFailure.Unreachable,
                _masker.Mask($"Argo CD at {Server} cannot be reached ({method} /{path}): {TextFormat.OneLine(e.Message)}"
                    + $" (after {_retry.MaxRetries.ToString(CultureInfo.InvariantCulture)} retries)"),
                e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return text.Length == 0 ? null : JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    throw Unreadable(method.Method, path);
                }
            }

            var (message, code) = ErrorMessage(text);
            if (message.Length == 0)
            {
                message = response.ReasonPhrase ?? "no message";
            }

            throw Failure(method, path, (int)response.StatusCode, _masker.Mask(message), code, target, rollbackId);
        }
    }

    private Exception Failure(HttpMethod method, string path, int status, string message, int? code, (string Name, string? Namespace, string? Project) target, long? rollbackId)
    {
        var app = target.Namespace is null ? $"'{target.Name}'" : $"'{target.Namespace}/{target.Name}'";
        var answered = $"{status.ToString(CultureInfo.InvariantCulture)}: {message}";
        switch (status)
        {
            case (int)HttpStatusCode.Unauthorized:
                return new GitOpsSourceException(
                    GitOpsSourceFailure.Unauthorized,
                    $"Argo CD refused the token in {_tokenVariable} ({answered}): set {_tokenVariable} to a valid, unexpired API token "
                    + $"for {Server} (argocd account generate-token, for an account with the apiKey capability)");
            case (int)HttpStatusCode.Forbidden:
                var what = rollbackId is null ? "read" : "roll back";
                return new GitOpsSourceException(
                    GitOpsSourceFailure.Unauthorized,
                    $"Argo CD did not let the token in {_tokenVariable} {what} application {app} ({answered}): give the token's account "
                    + (rollbackId is null ? "the RBAC permission to get applications" : "the RBAC permission to sync applications (a rollback is a sync)")
                    + " in the application's project"
                    + (target.Project is null
                        ? "; Argo CD also answers 403 for an application that does not exist when no project is given, so check the name"
                          + (target.Namespace is null ? " (and the app namespace, if it is not in Argo CD's own)" : " and the app namespace")
                        : $", and check that the application is in project '{target.Project}'"));
            case (int)HttpStatusCode.NotFound:
                return new GitOpsSourceException(
                    GitOpsSourceFailure.NotFound,
                    $"Argo CD has no application {app}" + (target.Project is null ? "" : $" in project '{target.Project}'")
                    + $" ({answered}): check the application name and app namespace");
            case (int)HttpStatusCode.BadRequest when rollbackId is { } id:
                return new ArgoCdRollbackRefusedException(
                    $"Argo CD refused to roll application {app} back to history id {id.ToString(CultureInfo.InvariantCulture)} ({answered})")
                {
                    ArgoCdMessage = message,
                    Code = code,
                };
            default:
                return new GitOpsSourceException(
                    GitOpsSourceFailure.Unreachable,
                    $"Argo CD at {Server} answered {method} /{path} with {answered}"
                    + (status is 429 or >= 500 ? $" (after {_retry.MaxRetries.ToString(CultureInfo.InvariantCulture)} retries)" : ""));
        }
    }
}
