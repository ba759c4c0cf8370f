using System.Globalization;
using System.Text.Json;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// The run the action is part of, from the runner's <c>GITHUB_*</c> variables and the event payload.
/// Parsed once by <see cref="Read"/>; pure.
/// </summary>
public sealed record GitHubContext
{
    /// <summary>Repository owner (<c>GITHUB_REPOSITORY</c> before the slash); null outside a run.</summary>
    public string? Owner { get; init; }

    /// <summary>Repository name (after the slash); null outside a run.</summary>
    public string? Repository { get; init; }

    /// <summary>REST API base (<c>GITHUB_API_URL</c>), default https://api.github.com.</summary>
    public Uri ApiUrl { get; init; } = new("https://api.github.com/");

    /// <summary>Web base (<c>GITHUB_SERVER_URL</c>), default https://github.com.</summary>
    public Uri ServerUrl { get; init; } = new("https://github.com/");

    /// <summary>The workflow run's id.</summary>
    public string? RunId { get; init; }

    /// <summary>The run attempt (1 for the first), when known.</summary>
    public int? RunAttempt { get; init; }

    /// <summary>The event that triggered the run (<c>pull_request</c>, <c>push</c>, …).</summary>
    public string? EventName { get; init; }

    /// <summary>The commit being deployed: a pull request's head commit (not the merge commit in <c>GITHUB_SHA</c>), else <c>GITHUB_SHA</c>.</summary>
    public string? Sha { get; init; }

    /// <summary>The pull request of a <c>pull_request</c>-like event; null for other events.</summary>
    public int? PullRequest { get; init; }

    /// <summary>The base commit of a <c>pull_request</c>-like event (<c>pull_request.base.sha</c>): the migration lint compares
    /// with it. Null for other events.</summary>
    public string? PullRequestBase { get; init; }

    /// <summary>The link to this run's log.</summary>
    public Uri? RunUrl => Owner is null || Repository is null || RunId is null
        ? null
        : new Uri(ServerUrl, $"{Owner}/{Repository}/actions/runs/{RunId}" + (RunAttempt is > 1 ? $"/attempts/{RunAttempt.Value.ToString(CultureInfo.InvariantCulture)}" : ""));

    /// <summary>True when the repository is known, so GitHub can be called.</summary>
    public bool HasRepository => Owner is not null && Repository is not null;

    /// <summary>Where this run's reports go on GitHub; null when the repository is not known.</summary>
    public GitHubTarget? Target => Owner is { } owner && Repository is { } repository
        ? new GitHubTarget
        {
            Owner = owner,
            Repository = repository,
            ApiUrl = ApiUrl,
            Sha = Sha,
            PullRequest = PullRequest,
            EventName = EventName,
            RunUrl = RunUrl,
        }
        : null;

    /// <summary>Builds the context from the environment and the event payload's text (null when there is none).</summary>
    public static GitHubContext Read(IReadOnlyDictionary<string, string> environment, string? eventPayload)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        string? owner = null, repository = null;
        if (Get("GITHUB_REPOSITORY") is { } full && full.Split('/') is [{ Length: > 0 } o, { Length: > 0 } r])
        {
            (owner, repository) = (o, r);
        }

        var (pullRequest, headSha, baseSha) = FromPayload(eventPayload);
        return new GitHubContext
        {
            Owner = owner,
            Repository = repository,
            ApiUrl = BaseUri(Get("GITHUB_API_URL")) ?? new Uri("https://api.github.com/"),
            ServerUrl = BaseUri(Get("GITHUB_SERVER_URL")) ?? new Uri("https://github.com/"),
            RunId = Get("GITHUB_RUN_ID"),
            RunAttempt = int.TryParse(Get("GITHUB_RUN_ATTEMPT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempt) ? attempt : null,
            EventName = Get("GITHUB_EVENT_NAME"),
            Sha = headSha ?? Get("GITHUB_SHA"),
            PullRequest = pullRequest,
            PullRequestBase = baseSha,
        };
    }

    // pull_request / pull_request_target: .pull_request.number, .pull_request.head.sha and .pull_request.base.sha;
    // issue_comment on a pull request: .issue.number when .issue.pull_request exists.
    private static (int? Number, string? HeadSha, string? BaseSha) FromPayload(string? payload)
    {
        if (string.IsNullOrWhiteSpace(payload))
        {
            return (null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            if (root.TryGetProperty("pull_request", out var pr) && pr.ValueKind == JsonValueKind.Object
                && pr.TryGetProperty("number", out var number) && number.TryGetInt32(out var n))
            {
                return (n, ShaOf(pr, "head"), ShaOf(pr, "base"));
            }

            if (root.TryGetProperty("issue", out var issue) && issue.ValueKind == JsonValueKind.Object
                && issue.TryGetProperty("pull_request", out _) && issue.TryGetProperty("number", out var issueNumber)
                && issueNumber.TryGetInt32(out var i))
            {
                return (i, null, null);
            }
        }
        catch (JsonException)
        {
            // An unreadable payload only costs the pull request comment.
        }

        return (null, null, null);
    }

    private static string? ShaOf(JsonElement pullRequest, string side) =>
        pullRequest.TryGetProperty(side, out var end) && end.ValueKind == JsonValueKind.Object
        && end.TryGetProperty("sha", out var sha) && sha.ValueKind == JsonValueKind.String ? sha.GetString() : null;

    private static Uri? BaseUri(string? value) =>
        Uri.TryCreate(value is null ? null : value.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? uri : null;
}
