using HelmSentinel.GitOps.Revert;
using HelmSentinel.Resilience.Git;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.Revert;

/// <summary>The real git against a remote that fails: an HTTP server on 127.0.0.1 answering 503 or 401.</summary>
public sealed class GitRemoteFailureTests : IAsyncLifetime
{
    private readonly string _token = "ghs_" + Guid.NewGuid().ToString("N");
    private readonly List<string> _requests = [];
    private GitRepos _repos = null!;
    private LocalHttpServer _server = null!;
    private int _status = 503;

    public async Task InitializeAsync()
    {
        _repos = await GitRepos.CreateAsync();
        _server = await LocalHttpServer.StartAsync(context =>
        {
            lock (_requests)
            {
                _requests.Add(context.Request.Path + context.Request.QueryString);
            }

            context.Response.StatusCode = _status;
            return Task.CompletedTask;
        });
        // The credentials in the URL are what a careless checkout has; they must never reach a message.
        var url = new UriBuilder(_server.BaseAddress) { UserName = "x-access-token", Password = _token, Path = "/acme/gitops.git" }.Uri.AbsoluteUri;
        await _repos.GitAsync(_repos.Work, "remote", "set-url", "origin", url);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repos.Dispose();
    }

    [Fact]
    public async Task A503_IsRetried_ThenTheRemoteIsUnreachable()
    {
        _status = 503;
        var retries = new List<string>();
        var runner = new RevertRunner(new GitRevert(GitRevertTests.Options() with { Retry = GitRemoteRetryOptions.Fast(TimeSpan.FromMilliseconds(1)) with { MaxRetries = 2 }, OnRetry = retries.Add }));
        var head = (await _repos.GitAsync(_repos.Work, "rev-parse", "HEAD")).Trim();

        var result = await runner.RunAsync(new RevertRequest { Repository = _repos.Work, Revision = head, Mode = RevertMode.Push }, null);

        result.Failure.Should().Be(RevertFailure.Unreachable, result.Summary);
        result.Summary.Should().Contain("503");
        _requests.Count(r => r.Contains("info/refs", StringComparison.Ordinal)).Should().Be(3, "the first attempt and two retries");
        retries.Should().HaveCount(2);
        new SecretCanary([_token]).Find([("summary", result.Summary), .. retries.Select(r => ("retry", (string?)r))]).Should().BeEmpty();
    }

    [Fact]
    public async Task A401_IsAClearError_NotRetried_WithoutTheToken()
    {
        _status = 401;
        var head = (await _repos.GitAsync(_repos.Work, "rev-parse", "HEAD")).Trim();

        var result = await GitRevertTests.Runner().RunAsync(new RevertRequest { Repository = _repos.Work, Revision = head, Mode = RevertMode.Push }, null);

        result.Failure.Should().Be(RevertFailure.Unauthorized, result.Summary);
        result.Summary.Should().Contain("refused the checkout's credentials").And.Contain("persist-credentials");
        new SecretCanary([_token]).Find("summary", result.Summary).Should().BeEmpty();
    }

    [Theory]
    [InlineData("fatal: unable to access 'https://github.com/acme/gitops.git/': The requested URL returned error: 503", GitRemoteErrorKind.Transient)]
    [InlineData("fatal: unable to access 'https://github.com/acme/gitops.git/': Could not resolve host: github.com", GitRemoteErrorKind.Transient)]
    [InlineData("error: RPC failed; curl 56 Recv failure: Connection reset by peer\nfatal: early EOF", GitRemoteErrorKind.Transient)]
    [InlineData("fatal: unable to access 'https://dev.azure.com/o/p/_git/r/': Failed to connect to dev.azure.com port 443 after 130000 ms: Connection timed out", GitRemoteErrorKind.Transient)]
    [InlineData("ssh: connect to host github.com port 22: Connection timed out\nfatal: Could not read from remote repository.", GitRemoteErrorKind.Transient)]
    [InlineData("fatal: could not read Username for 'https://github.com': terminal prompts disabled", GitRemoteErrorKind.Unauthorized)]
    [InlineData("remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/acme/gitops.git/'", GitRemoteErrorKind.Unauthorized)]
    [InlineData("remote: Permission to acme/gitops.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/acme/gitops.git/': The requested URL returned error: 403", GitRemoteErrorKind.Unauthorized)]
    [InlineData("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.", GitRemoteErrorKind.Unauthorized)]
    [InlineData(" ! [rejected]        abc -> main (fetch first)\nerror: failed to push some refs", GitRemoteErrorKind.Other)]
    [InlineData("fatal: couldn't find remote ref refs/heads/nope", GitRemoteErrorKind.Other)]
    public void Classify_GitsOwnWords(string standardError, GitRemoteErrorKind expected)
    {
        GitRemoteError.Classify(standardError).Should().Be(expected);
    }

    [Theory]
    [InlineData("git version 2.39.5\n", true)]
    [InlineData("git version 2.21.0", true)]
    [InlineData("git version 2.47.1.windows.1", true)]
    [InlineData("git version 2.39.3 (Apple Git-145)", true)]
    [InlineData("git version 3.0.0", true)]
    [InlineData("git version 2.20.1", false)]
    [InlineData("git version 1.9.5", false)]
    [InlineData("", false)]
    public void SupportsMainlineOnAnyCommit_FromGit221(string version, bool expected)
    {
        GitRevert.SupportsMainlineOnAnyCommit(version).Should().Be(expected);
    }

    [Fact]
    public void Redact_RemovesTheCredentialsOfAUrl()
    {
        GitRevert.Redact("fatal: unable to access 'https://x-access-token:ghs_secret@github.com/acme/gitops.git/': 503")
            .Should().Be("fatal: unable to access 'https://***@github.com/acme/gitops.git/': 503");
    }
}
