namespace HelmSentinel.GitOps.Revert;

/// <summary>One revert: which commit, in which checkout, how.</summary>
public sealed record RevertRequest
{
    /// <summary>The default prefix of the revert branch (<c>--revert-branch-prefix</c>).</summary>
    public const string DefaultBranchPrefix = "helm-sentinel/revert-";

    /// <summary>The checkout (<c>--repo</c>); its remote <see cref="Remote"/> and credentials are used for the push.</summary>
    public required string Repository { get; init; }

    /// <summary>The commit that degraded the application (<c>--revision</c>): a merge, squash or rebase commit, 7 to 40 hex digits.</summary>
    public required string Revision { get; init; }

    /// <summary>What to do.</summary>
    public RevertMode Mode { get; init; } = RevertMode.PullRequest;

    /// <summary>The branch the commit is on and the revert goes onto; null = the remote's default branch.</summary>
    public string? Branch { get; init; }

    /// <summary>The revert branch is this prefix followed by the commit's first 7 hex digits.</summary>
    public string BranchPrefix { get; init; } = DefaultBranchPrefix;

    /// <summary>The remote to fetch from and push to.</summary>
    public string Remote { get; init; } = "origin";

    /// <summary>Why the application was judged failed, as Markdown, already masked; it goes into the pull request.</summary>
    public string Diagnosis { get; init; } = "";

    /// <summary>A link to the run that decided (a workflow run, a pipeline build); null when there is none.</summary>
    public Uri? RunUrl { get; init; }

    /// <summary>How the run is named beside its link, e.g. <c>workflow run</c> or <c>pipeline run</c>.</summary>
    public string RunLabel { get; init; } = "run";

    /// <summary>The revert branch for <paramref name="fullSha"/>: <see cref="BranchPrefix"/> + its first 7 hex digits.</summary>
    public string RevertBranchFor(string fullSha)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullSha);
        return BranchPrefix + fullSha[..Math.Min(7, fullSha.Length)].ToLowerInvariant();
    }
}
