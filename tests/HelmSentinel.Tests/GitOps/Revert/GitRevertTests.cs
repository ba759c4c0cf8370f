using HelmSentinel.GitOps.Revert;
using HelmSentinel.Resilience.Git;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.Revert;

/// <summary>The Git part of the revert with the real git: temporary repositories with a bare <c>origin</c>.</summary>
public sealed class GitRevertTests : IDisposable
{
    private static readonly Dictionary<string, string> Bump = new() { ["values.yaml"] = "replicas: 2\nimage: shop:2.0\n" };

    private readonly List<GitRepos> _repos = [];

    internal static RevertRunner Runner() => new(new GitRevert(Options()));

    internal static GitRevertOptions Options() =>
        new() { Environment = GitRepos.IsolatedEnvironment, Retry = GitRemoteRetryOptions.Fast(TimeSpan.FromMilliseconds(1)) };

    [Fact]
    public async Task Push_AMergeCommit_PutsItsRevertOnTopOfTheRemoteBranch()
    {
        var repos = await NewAsync();
        var merge = await repos.MergeAsync("bump", Bump);
        var before = await StateAsync(repos.Work, repos);

        var result = await Runner().RunAsync(Request(repos, merge, RevertMode.Push), null);

        result.Status.Should().Be(RevertStatus.Pushed, result.Summary);
        var tip = (await repos.GitAsync(repos.Origin, "rev-parse", "refs/heads/main")).Trim();
        tip.Should().Be(result.RevertCommit);
        (await repos.GitAsync(repos.Origin, "rev-parse", tip + "^")).Trim().Should().Be(merge, "the revert is on top of the merge");
        (await repos.GitAsync(repos.Origin, "show", tip + ":values.yaml")).Should().Contain("image: shop:1.0");
        var message = await repos.GitAsync(repos.Origin, "log", "-1", "--format=%B", tip);
        message.Should().StartWith("Revert \"Merge pull request\"").And.Contain($"This reverts commit {merge}, reversing\nchanges made to");
        (await repos.GitAsync(repos.Origin, "log", "-1", "--format=%cn <%ce>", tip)).Trim()
            .Should().Be("helm-sentinel <helm-sentinel@users.noreply.github.com>", "the checkout has no identity of its own");
        (await StateAsync(repos.Work, repos)).Should().Be(before, "the user's checkout, branch and tree are untouched");
    }

    [Fact]
    public async Task Push_ASquashCommit_IsRevertedWithTheSameCommand()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump the image to 2.0 (#12)");

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);

        result.Status.Should().Be(RevertStatus.Pushed, result.Summary);
        (await repos.GitAsync(repos.Origin, "show", "refs/heads/main:values.yaml")).Should().Contain("image: shop:1.0");
        (await repos.GitAsync(repos.Origin, "log", "-1", "--format=%B", "refs/heads/main"))
            .Should().Be($"Revert \"Bump the image to 2.0 (#12)\"\n\nThis reverts commit {squash}.\n\n");
    }

    [Fact]
    public async Task Push_ASecondRun_FindsTheRevertOnTheBranch_AndMakesNoOther()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        var first = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);
        var refs = await repos.OriginRefsAsync();

        var second = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);

        second.Status.Should().Be(RevertStatus.AlreadyReverted, second.Summary);
        second.RevertCommit.Should().Be(first.RevertCommit);
        second.Reverted.Should().BeTrue();
        (await repos.OriginRefsAsync()).Should().Be(refs);
    }

    [Fact]
    public async Task Push_WhenSomeonePushesInBetween_TheRevertIsMadeAgainOnTheNewTip_Once()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        var other = await repos.CloneAsync("other");
        RaceEveryPush(repos, other, times: 1);

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);

        result.Status.Should().Be(RevertStatus.Pushed, result.Summary);
        var tip = (await repos.GitAsync(repos.Origin, "rev-parse", "refs/heads/main")).Trim();
        tip.Should().Be(result.RevertCommit);
        (await repos.GitAsync(repos.Origin, "log", "-1", "--format=%s", tip + "^")).Trim().Should().Be("someone else 1", "the revert is on the tip that won");
        (await repos.GitAsync(repos.Origin, "show", tip + ":values.yaml")).Should().Contain("image: shop:1.0");
    }

    [Fact]
    public async Task Push_RacedTwice_FailsClearly_WithoutForcing()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        var other = await repos.CloneAsync("other");
        RaceEveryPush(repos, other, times: 2);

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);

        result.Status.Should().Be(RevertStatus.Failed, result.Summary);
        result.Summary.Should().Contain("rejected").And.Contain("again").And.Contain("Nothing was forced");
        (await repos.GitAsync(repos.Origin, "log", "-1", "--format=%s", "refs/heads/main")).Trim().Should().Be("someone else 2");
    }

    [Fact]
    public async Task Push_InAShallowCheckout_FetchesTheHistoryTheRevertNeeds()
    {
        var repos = await NewAsync();
        var merge = await repos.MergeAsync("bump", Bump);
        await repos.GitAsync(repos.Root, "clone", "--quiet", "--depth", "1", "file://" + repos.Origin, "shallow");
        var shallow = Path.Combine(repos.Root, "shallow");

        var result = await Runner().RunAsync(Request(repos, merge, RevertMode.Push) with { Repository = shallow }, null);

        result.Status.Should().Be(RevertStatus.Pushed, result.Summary);
        (await repos.GitAsync(repos.Origin, "show", "refs/heads/main:values.yaml")).Should().Contain("image: shop:1.0");
    }

    [Fact]
    public async Task Push_WithTheCheckoutsOwnIdentity_CommitsAsIt_AndLeavesItsConfigAlone()
    {
        var repos = await NewAsync();
        await repos.GitAsync(repos.Work, "config", "user.name", "Ops Bot");
        await repos.GitAsync(repos.Work, "config", "user.email", "ops@example.invalid");
        var config = File.ReadAllText(Path.Combine(repos.Work, ".git", "config"));
        var squash = await repos.SquashAsync(Bump, "Bump");

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);

        result.Status.Should().Be(RevertStatus.Pushed, result.Summary);
        (await repos.GitAsync(repos.Origin, "log", "-1", "--format=%cn <%ce>", "refs/heads/main")).Trim().Should().Be("Ops Bot <ops@example.invalid>");
        File.ReadAllText(Path.Combine(repos.Work, ".git", "config")).Should().Be(config);
    }

    [Fact]
    public async Task AConflictingLaterChange_IsAConflict_NamingThePaths_AndNothingIsPushed()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump to 2.0");
        await repos.SquashAsync(new Dictionary<string, string> { ["values.yaml"] = "replicas: 2\nimage: shop:2.1\n" }, "Bump to 2.1");
        var refs = await repos.OriginRefsAsync();
        var before = await StateAsync(repos.Work, repos);

        foreach (var mode in new[] { RevertMode.Push, RevertMode.PullRequest })
        {
            var result = await Runner().RunAsync(Request(repos, squash, mode), new NoPullRequests());

            result.Status.Should().Be(RevertStatus.Conflict, result.Summary);
            result.ConflictingPaths.Should().Equal("values.yaml");
            result.ManualCommand.Should().Contain($"git revert -m 1 {squash}").And.Contain("git fetch origin main");
            result.Summary.Should().Contain("values.yaml").And.Contain("nothing was pushed");
            result.Reverted.Should().BeFalse();
        }

        (await repos.OriginRefsAsync()).Should().Be(refs, "nothing reached the remote");
        (await StateAsync(repos.Work, repos)).Should().Be(before);
        (await repos.GitAsync(repos.Work, "worktree", "list", "--porcelain")).Split('\n').Count(l => l.StartsWith("worktree ", StringComparison.Ordinal))
            .Should().Be(1, "the temporary worktree is gone");
    }

    [Fact]
    public async Task TheUsersCheckout_StaysOnItsBranch_WithItsUncommittedChange()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        await repos.GitAsync(repos.Work, "checkout", "--quiet", "-b", "my-work");
        repos.Write("notes.txt", "work in progress\n");
        repos.Write("values.yaml", "replicas: 3\nimage: shop:2.0\n");
        var before = await StateAsync(repos.Work, repos);

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.Push), null);

        result.Status.Should().Be(RevertStatus.Pushed, result.Summary);
        (await StateAsync(repos.Work, repos)).Should().Be(before);
        repos.Read("values.yaml").Should().Be("replicas: 3\nimage: shop:2.0\n");
    }

    [Fact]
    public async Task ARevisionNotOnTheBranch_IsBadInputNamingIt_AndNothingChanges()
    {
        var repos = await NewAsync();
        await repos.GitAsync(repos.Work, "checkout", "--quiet", "-b", "elsewhere");
        repos.Write("other.txt", "x\n");
        var elsewhere = await repos.CommitAsync("not merged");
        await repos.GitAsync(repos.Work, "checkout", "--quiet", "main");
        var root = (await repos.GitAsync(repos.Work, "rev-list", "--max-parents=0", "main")).Trim();
        var refs = await repos.OriginRefsAsync();

        foreach (var revision in new[] { elsewhere, "not-a-sha", "deadbeefdeadbeef", root })
        {
            var result = await Runner().RunAsync(Request(repos, revision, RevertMode.Push), null);

            result.Status.Should().Be(RevertStatus.Failed);
            result.Failure.Should().Be(RevertFailure.BadInput);
            result.Summary.Should().Contain("revision:").And.Contain("Nothing was changed");
        }

        (await repos.OriginRefsAsync()).Should().Be(refs);
    }

    [Fact]
    public async Task ACheckoutThatIsNoRepository_IsBadInputNamingRepo()
    {
        var folder = Directory.CreateTempSubdirectory("hs-norepo-").FullName;
        try
        {
            var result = await Runner().RunAsync(new RevertRequest { Repository = folder, Revision = "abcdef0", Mode = RevertMode.Push }, null);

            result.Failure.Should().Be(RevertFailure.BadInput);
            result.Summary.Should().Contain("repo:");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task None_DoesNothingInGit()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        var refs = await repos.OriginRefsAsync();

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.None), null);

        result.Status.Should().Be(RevertStatus.NotReverted);
        (await repos.OriginRefsAsync()).Should().Be(refs);
        (await repos.GitAsync(repos.Work, "rev-parse", "HEAD")).Trim().Should().Be(squash);
    }

    [Fact]
    public async Task PullRequest_WithoutAPlatform_IsBadInput_BeforeAnythingChanges()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        var refs = await repos.OriginRefsAsync();

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.PullRequest), null);

        result.Failure.Should().Be(RevertFailure.BadInput);
        (await repos.OriginRefsAsync()).Should().Be(refs);
    }

    [Fact]
    public async Task PullRequest_ABranchOfThatNameThatHoldsNoRevert_IsNotOverwritten()
    {
        var repos = await NewAsync();
        var squash = await repos.SquashAsync(Bump, "Bump");
        await repos.GitAsync(repos.Work, "push", "--quiet", "origin", $"main:refs/heads/helm-sentinel/revert-{squash[..7]}");
        var refs = await repos.OriginRefsAsync();

        var result = await Runner().RunAsync(Request(repos, squash, RevertMode.PullRequest), new NoPullRequests());

        result.Status.Should().Be(RevertStatus.Failed);
        result.Summary.Should().Contain("holds no revert").And.Contain("not overwritten");
        (await repos.OriginRefsAsync()).Should().Be(refs);
    }

    internal static RevertRequest Request(GitRepos repos, string revision, RevertMode mode) => new()
    {
        Repository = repos.Work,
        Revision = revision,
        Mode = mode,
        Diagnosis = "**Degraded**: Deployment shop: 0/2 ready, CrashLoopBackOff",
        RunUrl = new Uri("https://github.com/acme/gitops/actions/runs/42"),
        RunLabel = "workflow run",
    };

    // A pre-push hook in the checkout that, for the first `times` pushes, lands another person's commit on origin's main
    // first: the race a push to a busy branch meets.
    private static void RaceEveryPush(GitRepos repos, string other, int times)
    {
        var hook = Path.Combine(repos.Work, ".git", "hooks", "pre-push");
        var counter = Path.Combine(repos.Root, "races");
        File.WriteAllText(hook, $$"""
            #!/bin/sh
            unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
            n=$(cat '{{counter}}' 2>/dev/null || echo 0)
            if [ "$n" -lt {{times}} ]; then
              n=$((n+1)); echo $n > '{{counter}}'
              git -C '{{other}}' pull -q --ff-only origin main
              git -C '{{other}}' -c user.name=other -c user.email=other@example.invalid commit -q --allow-empty -m "someone else $n"
              git -C '{{other}}' push -q origin HEAD:main
            fi
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // The branch, the commit and the working tree's state, as the user sees them.
    internal static async Task<string> StateAsync(string work, GitRepos repos) =>
        await repos.GitAsync(work, "rev-parse", "--abbrev-ref", "HEAD") + await repos.GitAsync(work, "rev-parse", "HEAD")
        + await repos.GitAsync(work, "status", "--porcelain", "--untracked-files=all");

    private async Task<GitRepos> NewAsync()
    {
        var repos = await GitRepos.CreateAsync();
        _repos.Add(repos);
        return repos;
    }

    public void Dispose()
    {
        foreach (var repos in _repos)
        {
            repos.Dispose();
        }
    }

    // For the cases that end before any pull request call.
    private sealed class NoPullRequests : IRevertPullRequests
    {
        public string Name => "none";

        public int MaxBodyLength => 1000;

        public Task<OriginalPullRequest?> FindOriginalAsync(string sha, CancellationToken cancellationToken) => throw new InvalidOperationException("no call expected");

        public Task<RevertPullRequest?> FindOpenAsync(string headBranch, string baseBranch, CancellationToken cancellationToken) => throw new InvalidOperationException("no call expected");

        public Task<RevertPullRequest> CreateAsync(string headBranch, string baseBranch, string title, string body, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no call expected");

        public Task UpdateBodyAsync(RevertPullRequest pullRequest, string body, CancellationToken cancellationToken) => throw new InvalidOperationException("no call expected");

        public Task CommentAsync(OriginalPullRequest original, string marker, string body, CancellationToken cancellationToken) => throw new InvalidOperationException("no call expected");
    }
}
