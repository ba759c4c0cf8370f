namespace HelmSentinel.GitOps.ArgoCd;

/// <summary>
/// Readings of one Argo CD application through the REST API, polled: <c>GET /api/v1/applications/{name}</c> every poll
/// interval, and its resource tree too while the application is not Healthy (the tree holds the health messages of the
/// failing resources, which the Application itself leaves out since Argo CD 3.0).
/// </summary>
public sealed class ArgoCdRestSource : IAppSource
{
    /// <summary>The poll interval when none is given.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    private readonly ArgoCdRestClient _client;
    private readonly string _application;
    private readonly string? _appNamespace;
    private readonly string? _project;
    private readonly string _revision;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private DateTimeOffset? _lastRead;

    /// <summary>Creates the source; <paramref name="client"/> is not disposed with it.</summary>
    /// <param name="client">The Argo CD client.</param>
    /// <param name="application">The application's name.</param>
    /// <param name="revision">The wanted revision (the merged commit).</param>
    /// <param name="appNamespace">The application's namespace when it is not in Argo CD's own.</param>
    /// <param name="project">Its project, when known (an unknown application is then a 404, not a 403).</param>
    /// <param name="pollInterval">The time between readings; null = <see cref="DefaultPollInterval"/>.</param>
    /// <param name="time">The clock the interval is measured on; null = the system clock.</param>
    public ArgoCdRestSource(
        ArgoCdRestClient client,
        string application,
        string revision,
        string? appNamespace = null,
        string? project = null,
        TimeSpan? pollInterval = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(application);
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        if (pollInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), interval, "the poll interval must be positive");
        }

        _client = client;
        _application = application;
        _revision = revision;
        _appNamespace = string.IsNullOrEmpty(appNamespace) ? null : appNamespace;
        _project = string.IsNullOrEmpty(project) ? null : project;
        _interval = pollInterval ?? DefaultPollInterval;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => $"Argo CD application {(_appNamespace is null ? "" : _appNamespace + "/")}{_application}";

    /// <summary>The time between readings.</summary>
    public TimeSpan PollInterval => _interval;

    /// <inheritdoc />
    public async Task<AppObservation> NextAsync(CancellationToken cancellationToken)
    {
        if (_lastRead is { } last)
        {
            var wait = last + _interval - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken);
            }
        }

        _lastRead = _time.GetUtcNow();
        var application = await _client.GetApplicationAsync(_application, _appNamespace, _project, cancellationToken);
        var reading = ArgoCdApplicationStatus.Read(application, _revision, _lastRead.Value);
        if (reading.Health == AppHealth.Healthy)
        {
            return reading;
        }

        var tree = await _client.GetResourceTreeAsync(_application, _appNamespace, _project, cancellationToken);
        return ArgoCdApplicationStatus.Read(application, _revision, _lastRead.Value, tree);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
