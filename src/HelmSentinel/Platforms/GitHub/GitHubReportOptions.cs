namespace HelmSentinel.Platforms.GitHub;

/// <summary>What <see cref="GitHubReporter"/> reports, and under which environment.</summary>
public sealed record GitHubReportOptions
{
    /// <summary>The environment of the deployment, also in the commit status context and the comment's marker.</summary>
    public required string Environment { get; init; }

    /// <summary>The URL shown on the deployment, if any.</summary>
    public string? EnvironmentUrl { get; init; }

    /// <summary>Create or update one pull request comment per release and environment.</summary>
    public bool CommentOnPr { get; init; } = true;

    /// <summary>Create a GitHub Deployment and its statuses.</summary>
    public bool DeploymentStatus { get; init; } = true;

    /// <summary>Set the commit status <c>helm-sentinel/&lt;environment&gt;</c>.</summary>
    public bool CommitStatus { get; init; }

    /// <summary>Mark the deployment as production; null leaves it to GitHub (production when the environment is named so).</summary>
    public bool? ProductionEnvironment { get; init; }

    /// <summary>Mark the deployment's environment as transient (it will be destroyed).</summary>
    public bool TransientEnvironment { get; init; }
}
