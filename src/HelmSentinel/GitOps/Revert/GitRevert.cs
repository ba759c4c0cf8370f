using System.ComponentModel;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using HelmSentinel.Resilience.Git;
using HelmSentinel.Text;
using Polly;

namespace HelmSentinel.GitOps.Revert;

/// <summary>
/// Reverts one commit the Git way with the real git (through CliWrap, arguments as lists): fetches the branch, checks
/// that the commit is on it, makes <c>git revert --no-edit -m 1 SHA</c> on the remote's tip in a temporary worktree (the
/// user's checkout, branch and working tree are never touched) and pushes it with the checkout's own remote and
/// credentials.
/// </summary>
/// <remarks>
/// <para><c>-m 1</c> reverts a merge commit against its first parent (the target branch); since git 2.21 it is also
/// accepted on a single-parent commit, so squash and rebase merges take the same command.</para>
/// <para>Pull request mode is idempotent without ever force-pushing: when the revert branch exists and holds a revert of
/// the commit it is reused as it is (a person may have pushed fixes onto it, and the pull request shows whether it still
/// merges); when it exists and holds no such revert it is not ours, and the run fails saying so instead of overwriting it.</para>
/// </remarks>
public sealed partial class GitRevert
{
    private readonly GitRevertOptions _options;
    private readonly ResiliencePipeline<GitRun> _remoteRetry;

    /// <summary>Creates the reverter.</summary>
    /// <param name="options">Identity, retries, environment; null = the defaults.</param>
    public GitRevert(GitRevertOptions? options = null)
    {
        _options = options ?? new GitRevertOptions();
        _remoteRetry = new ResiliencePipelineBuilder<GitRun>()
            .AddGitRemoteRetry(_options.Retry, _options.Time, r => r.ExitCode == 0 ? null : r.Error, line => _options.OnRetry?.Invoke(Redact(line)))
            .Build();
    }

    /// <summary>
    /// Makes the revert of <see cref="RevertRequest.Revision"/> and publishes it as <see cref="RevertRequest.Mode"/> asks
    /// (<see cref="RevertMode.None"/> is not for this: nothing is done for it by the runner).
    /// </summary>
    /// <exception cref="RevertException">Bad input (nothing changed), refused credentials, an unreachable remote, a
    /// rejected push, or a revert branch that is not ours.</exception>
    public async Task<GitRevertOutcome> RevertAsync(RevertRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Mode == RevertMode.None)
        {
            throw new ArgumentException("--revert none makes no revert.", nameof(request));
        }

        var repo = await CheckoutAsync(request, cancellationToken);
        var remote = request.Remote;
        var branch = request.Branch ?? await DefaultBranchAsync(repo, remote, cancellationToken);
        if (!await IsRefNameAsync(repo, "refs/heads/" + branch, cancellationToken))
        {
            throw BadInput("branch", $"'{branch}' is not a valid branch name.");
        }

        var tip = await FetchAsync(repo, remote, branch, cancellationToken)
            ?? throw BadInput("branch", $"the remote '{remote}' has no branch '{branch}'.");
        var revision = await ResolveAsync(repo, request.Revision, remote, branch, tip, cancellationToken);
        var subject = (await RunAsync(repo, ["log", "-1", "--format=%s", revision], cancellationToken)).Output.Trim();

        if (await FindRevertAsync(repo, revision, $"{revision}..{tip}", cancellationToken) is { } done)
        {
            return new GitRevertOutcome(GitRevertKind.AlreadyReverted, revision, subject, branch, done, null, [], null);
        }

        var revertBranch = request.RevertBranchFor(revision);
        if (request.Mode == RevertMode.PullRequest)
        {
            if (await ReuseAsync(repo, remote, revision, tip, revertBranch, cancellationToken) is { } reused)
            {
                return new GitRevertOutcome(GitRevertKind.Reused, revision, subject, branch, reused, revertBranch, [], null);
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var made = await MakeAsync(repo, revision, tip, cancellationToken);
            if (made.Conflicts.Count > 0)
            {
                return new GitRevertOutcome(GitRevertKind.Conflict, revision, subject, branch, null, request.Mode == RevertMode.PullRequest ? revertBranch : null,
                    made.Conflicts, ManualCommand(remote, branch, revertBranch, revision));
            }

            var target = request.Mode == RevertMode.PullRequest ? revertBranch : branch;
            var push = await RemoteAsync(repo, remote, ["push", "--porcelain", remote, $"{made.Commit}:refs/heads/{target}"], cancellationToken);
            if (push.ExitCode == 0)
            {
                return new GitRevertOutcome(GitRevertKind.Created, revision, subject, branch, made.Commit,
                    request.Mode == RevertMode.PullRequest ? revertBranch : null, [], null);
            }

            var rejected = IsNonFastForward(push);
            if (request.Mode == RevertMode.Push && rejected && attempt == 0)
            {
                // Someone pushed in between: the revert is made again on the new tip, once.
                tip = await FetchAsync(repo, remote, branch, cancellationToken)
                    ?? throw new RevertException(RevertFailure.Other, $"The branch '{branch}' disappeared from '{remote}' during the revert.");
                if (await FindRevertAsync(repo, revision, $"{revision}..{tip}", cancellationToken) is { } meanwhile)
                {
                    return new GitRevertOutcome(GitRevertKind.AlreadyReverted, revision, subject, branch, meanwhile, null, [], null);
                }

                continue;
            }

            throw new RevertException(RevertFailure.Other, rejected
                ? $"git push to '{target}' on '{remote}' was rejected as not a fast-forward{(attempt > 0 ? " again, after the revert was made on the new tip" : "")}: " +
                  $"someone pushes to it at the same time. Nothing was forced; run again, or revert by hand: {ManualCommand(remote, branch, revertBranch, revision)}"
                : $"git push to '{target}' on '{remote}' failed: {Redact(TextFormat.OneLine(push.Error))} " +
                  "(is the branch protected? then use --revert pr).");
        }
    }

    /// <summary>The commands a person runs to make the revert by hand on a branch of its own.</summary>
    public static string ManualCommand(string remote, string branch, string revertBranch, string revision) =>
        $"git fetch {remote} {branch} && git switch -c {revertBranch} {remote}/{branch} && git revert -m 1 {revision}" +
        " (resolve the conflicts, git revert --continue, then push the branch and open a pull request)";

    /// <summary>True when <paramref name="versionOutput"/> (<c>git version 2.39.5</c>) is git 2.21 or later, which accepts
    /// <c>-m 1</c> on a commit with one parent (the release notes of 2.21.0).</summary>
    public static bool SupportsMainlineOnAnyCommit(string versionOutput)
    {
        var match = GitVersion().Match(versionOutput ?? "");
        return match.Success
            && int.TryParse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var major)
            && int.TryParse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture, out var minor)
            && (major > 2 || (major == 2 && minor >= 21));
    }

    /// <summary>Text from git with any credentials in a URL (<c>https://user:token@host</c>) replaced by <c>***</c>.</summary>
    public static string Redact(string text) => UrlCredentials().Replace(text ?? "", "://***@");

    private async Task<string> CheckoutAsync(RevertRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Repository) || !Directory.Exists(request.Repository))
        {
            throw BadInput("repo", $"'{request.Repository}' is not a folder.");
        }

        var repo = Path.GetFullPath(request.Repository);
        var version = await RunAsync(repo, ["version"], cancellationToken);
        if (!SupportsMainlineOnAnyCommit(version.Output))
        {
            throw new RevertException(RevertFailure.Unreachable,
                $"{TextFormat.OneLine(version.Output)} is too old for the revert: git 2.21 or later accepts -m 1 on the single-parent commits of squash and rebase merges. Update git in the job.");
        }

        var inTree = await RunAsync(repo, ["rev-parse", "--is-inside-work-tree"], cancellationToken);
        if (inTree.ExitCode != 0 || inTree.Output.Trim() != "true")
        {
            throw BadInput("repo", $"'{repo}' is not a Git checkout git will read ({Redact(TextFormat.FirstLine(inTree.Error.Trim()))}).");
        }

        if (!ShaPattern().IsMatch(request.Revision ?? ""))
        {
            throw BadInput("revision", $"'{request.Revision}' is not a commit SHA (7 to 40 hex digits).");
        }

        if (!await IsRefNameAsync(repo, "refs/heads/" + request.RevertBranchFor(request.Revision!), cancellationToken))
        {
            throw BadInput("revert-branch-prefix", $"'{request.BranchPrefix}' does not make a valid branch name.");
        }

        if ((await RunAsync(repo, ["remote", "get-url", "--", request.Remote], cancellationToken)).ExitCode != 0)
        {
            throw BadInput("repo", $"the checkout '{repo}' has no remote '{request.Remote}' to push the revert to.");
        }

        return repo;
    }

    private async Task<bool> IsRefNameAsync(string repo, string name, CancellationToken cancellationToken) =>
        !name.Contains("..", StringComparison.Ordinal) && !name.StartsWith('-')
        && (await RunAsync(repo, ["check-ref-format", name], cancellationToken)).ExitCode == 0;

    private async Task<string> DefaultBranchAsync(string repo, string remote, CancellationToken cancellationToken)
    {
        var symref = await RemoteAsync(repo, remote, ["ls-remote", "--symref", remote, "HEAD"], cancellationToken);
        Fail(symref, "ls-remote", remote);
        var line = symref.Output.Split('\n').FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal));
        return line is null
            ? throw BadInput("branch", $"the remote '{remote}' names no default branch; give the branch the commit is on.")
            : line["ref: refs/heads/".Length..].Split('\t')[0].Trim();
    }

    // The branch's tip on the remote, fetched into the remote-tracking ref; null when the remote has no such branch.
    private async Task<string?> FetchAsync(string repo, string remote, string branch, CancellationToken cancellationToken)
    {
        // A shallow checkout (actions/checkout's default) lacks the parents a revert needs.
        var shallow = (await RunAsync(repo, ["rev-parse", "--is-shallow-repository"], cancellationToken)).Output.Trim() == "true";
        var fetch = await RemoteAsync(repo, remote,
            ["fetch", "--quiet", "--no-tags", .. shallow ? ["--unshallow"] : Array.Empty<string>(), remote, $"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"],
            cancellationToken);
        if (fetch.ExitCode != 0 && fetch.Error.Contains("couldn't find remote ref", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Fail(fetch, "fetch", remote);
        return (await RunAsync(repo, ["rev-parse", $"refs/remotes/{remote}/{branch}"], cancellationToken)).Output.Trim();
    }

    private async Task<string> ResolveAsync(string repo, string revision, string remote, string branch, string tip, CancellationToken cancellationToken)
    {
        var resolved = await RunAsync(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"], cancellationToken);
        if (resolved.ExitCode != 0)
        {
            throw BadInput("revision", $"'{revision}' is not a commit of '{remote}/{branch}' (git does not know it after fetching the branch).");
        }

        var full = resolved.Output.Trim();

        // A commit without parents (the first, or one whose parents a shallow fetch cut off) would be "reverted" against the
        // empty tree: every file deleted.
        var parents = (await RunAsync(repo, ["rev-list", "--parents", "-n", "1", full], cancellationToken)).Output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parents.Length < 2)
        {
            throw BadInput("revision", $"commit {full[..7]} has no parent in the checkout (the first commit, or a shallow history); there is nothing to revert it to.");
        }

        var onBranch = await RunAsync(repo, ["merge-base", "--is-ancestor", full, tip], cancellationToken);
        return onBranch.ExitCode == 0
            ? full
            : throw BadInput("revision", $"commit {full[..7]} is not on '{remote}/{branch}'; give the branch it was merged into.");
    }

    // A commit in the range whose message says it reverts the revision (git revert's default message); null when none.
    private async Task<string?> FindRevertAsync(string repo, string revision, string range, CancellationToken cancellationToken)
    {
        var log = await RunAsync(repo, ["log", "--format=%H", "--fixed-strings", $"--grep=This reverts commit {revision}", range], cancellationToken);
        return log.ExitCode == 0 ? log.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() : null;
    }

    private async Task<string?> ReuseAsync(string repo, string remote, string revision, string tip, string revertBranch, CancellationToken cancellationToken)
    {
        var listed = await RemoteAsync(repo, remote, ["ls-remote", remote, "refs/heads/" + revertBranch], cancellationToken);
        Fail(listed, "ls-remote", remote);
        if (listed.Output.Trim().Length == 0)
        {
            return null;
        }

        var head = await FetchAsync(repo, remote, revertBranch, cancellationToken);
        if (head is not null && await FindRevertAsync(repo, revision, $"{tip}..{head}", cancellationToken) is { } found)
        {
            return found;
        }

        throw new RevertException(RevertFailure.Other,
            $"The remote '{remote}' has a branch '{revertBranch}' that holds no revert of {revision[..7]}; it is not overwritten. " +
            "Delete it, or choose another --revert-branch-prefix.");
    }

    private async Task<(string? Commit, IReadOnlyList<string> Conflicts)> MakeAsync(string repo, string revision, string tip, CancellationToken cancellationToken)
    {
        var identity = await IdentityAsync(repo, cancellationToken);
        var folder = Path.Combine(Path.GetTempPath(), "helm-sentinel-revert-" + Guid.NewGuid().ToString("N")[..12]);
        var added = await RunAsync(repo, ["worktree", "add", "--quiet", "--detach", folder, tip], cancellationToken);
        if (added.ExitCode != 0)
        {
            throw new RevertException(RevertFailure.Other, $"git worktree add failed: {Redact(TextFormat.OneLine(added.Error))}");
        }

        try
        {
            var revert = await RunAsync(folder, [.. identity, "revert", "--no-edit", "-m", "1", revision], cancellationToken);
            if (revert.ExitCode == 0)
            {
                return ((await RunAsync(folder, ["rev-parse", "HEAD"], cancellationToken)).Output.Trim(), []);
            }

            var unmerged = await RunAsync(folder, ["diff", "--name-only", "--diff-filter=U", "-z"], cancellationToken);
            IReadOnlyList<string> conflicts = [.. unmerged.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
            await RunAsync(folder, ["revert", "--abort"], CancellationToken.None);
            if (conflicts.Count > 0)
            {
                return (null, conflicts);
            }

            var said = TextFormat.OneLine(revert.Output + " " + revert.Error);
            throw new RevertException(RevertFailure.Other, said.Contains("nothing to commit", StringComparison.OrdinalIgnoreCase)
                ? $"Reverting {revision[..7]} changes nothing on the branch: later commits already undid it."
                : $"git revert {revision[..7]} failed: {Redact(said)}");
        }
        finally
        {
            await RunAsync(repo, ["worktree", "remove", "--force", folder], CancellationToken.None);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            await RunAsync(repo, ["worktree", "prune"], CancellationToken.None);
        }
    }

    // The committer given on the command line when the checkout has none; the user's config is never written.
    private async Task<IReadOnlyList<string>> IdentityAsync(string repo, CancellationToken cancellationToken)
    {
        var name = await RunAsync(repo, ["config", "--get", "user.name"], cancellationToken);
        var email = await RunAsync(repo, ["config", "--get", "user.email"], cancellationToken);
        return name.ExitCode == 0 && email.ExitCode == 0 && name.Output.Trim().Length > 0 && email.Output.Trim().Length > 0
            ? []
            : ["-c", "user.name=" + _options.IdentityName, "-c", "user.email=" + _options.IdentityEmail];
    }

    // Someone else's push won: refused as no fast-forward after the refs were read ("fetch first", "non-fast-forward"), or,
    // when it landed while ours was under way, "cannot lock ref 'refs/heads/main': is at X but expected Y".
    private static bool IsNonFastForward(GitRun push) =>
        (push.Output + push.Error) is var text
        && (text.Contains("non-fast-forward", StringComparison.OrdinalIgnoreCase) || text.Contains("fetch first", StringComparison.OrdinalIgnoreCase)
            || (text.Contains("cannot lock ref", StringComparison.OrdinalIgnoreCase) && text.Contains("but expected", StringComparison.OrdinalIgnoreCase)));

    // A remote call that failed for the connection or the credentials ends the revert; any other failure is the caller's.
    private static void Fail(GitRun run, string verb, string remote)
    {
        if (run.ExitCode == 0)
        {
            return;
        }

        var said = Redact(TextFormat.OneLine(run.Error));
        throw GitRemoteError.Classify(run.Error) switch
        {
            GitRemoteErrorKind.Unauthorized => new RevertException(RevertFailure.Unauthorized,
                $"git {verb} '{remote}': the remote refused the checkout's credentials ({said}). The revert uses the checkout's own remote and " +
                "credentials: keep them in the checkout (actions/checkout persist-credentials, Azure Pipelines persistCredentials: true) with write access to the repository."),
            GitRemoteErrorKind.Transient => new RevertException(RevertFailure.Unreachable, $"git {verb} '{remote}' kept failing after the retries: {said}"),
            _ => new RevertException(RevertFailure.Other, $"git {verb} '{remote}' failed: {said}"),
        };
    }

    // With the retry; a failure of the connection or the credentials ends the revert, any other is the caller's to read.
    private async Task<GitRun> RemoteAsync(string folder, string remote, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var run = await _remoteRetry.ExecuteAsync(async ct => await RunAsync(folder, arguments, ct), cancellationToken);
        if (run.ExitCode != 0 && GitRemoteError.Classify(run.Error) != GitRemoteErrorKind.Other)
        {
            Fail(run, arguments[0], remote);
        }

        return run;
    }

    private async Task<GitRun> RunAsync(string folder, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        var environment = new Dictionary<string, string?>(_options.Environment)
        {
            // English messages to classify, and no prompt that would hang a job waiting for a password.
            ["LC_ALL"] = "C",
            ["GIT_TERMINAL_PROMPT"] = "0",
        };
        try
        {
            var result = await Cli.Wrap("git")
                .WithArguments(["-C", folder, "-c", "core.quotePath=false", .. arguments])
                .WithEnvironmentVariables(environment)
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
                .ExecuteAsync(cancellationToken);
            return new GitRun(result.ExitCode, output.ToString(), error.ToString());
        }
        catch (Win32Exception e)
        {
            throw new RevertException(RevertFailure.Unreachable, "git was not found on PATH; the revert needs it: install git in the job.", e);
        }
    }

    private static RevertException BadInput(string input, string message) => new(RevertFailure.BadInput, $"{input}: {message}");

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex ShaPattern();

    [GeneratedRegex(@"git version (\d+)\.(\d+)")]
    private static partial Regex GitVersion();

    [GeneratedRegex(@"://[^/\s@]+@")]
    private static partial Regex UrlCredentials();

    private sealed record GitRun(int ExitCode, string Output, string Error);
}
