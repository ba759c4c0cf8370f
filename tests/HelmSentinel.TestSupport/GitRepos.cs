namespace HelmSentinel.TestSupport;

/// <summary>
/// A GitOps repository in a temporary folder, made with the real git: a bare repository as <c>origin</c> (default
/// branch <c>main</c>) and a clone of it as the checkout (<see cref="Work"/>), with no committer identity configured,
/// as a CI checkout has it. Git runs isolated from the machine's config; its commits name a test identity on the
/// command line.
/// </summary>
public sealed class GitRepos : IDisposable
{
    private GitRepos(string root) => Root = root;

    /// <summary>Variables that keep git away from the machine's and the user's config (pass them to the code under test too).</summary>
    public static IReadOnlyDictionary<string, string?> IsolatedEnvironment { get; } = new Dictionary<string, string?>
    {
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_AUTHOR_NAME"] = null,
        ["GIT_AUTHOR_EMAIL"] = null,
        ["GIT_COMMITTER_NAME"] = null,
        ["GIT_COMMITTER_EMAIL"] = null,
        ["EMAIL"] = null,
    };

    /// <summary>The temporary folder holding <c>origin.git</c>, <c>work</c> and other clones.</summary>
    public string Root { get; }

    /// <summary>The bare repository that is <c>origin</c>.</summary>
    public string Origin => Path.Combine(Root, "origin.git");

    /// <summary>The checkout, on <c>main</c>.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>A repository whose <c>main</c> holds one commit with <paramref name="files"/> (path → text), pushed.</summary>
    public static async Task<GitRepos> CreateAsync(IReadOnlyDictionary<string, string>? files = null)
    {
        var repos = new GitRepos(Directory.CreateTempSubdirectory("hs-gitops-").FullName);
        await repos.GitAsync(repos.Root, "init", "--quiet", "--bare", "-b", "main", "origin.git");
        await repos.GitAsync(repos.Root, "clone", "--quiet", repos.Origin, "work");
        await repos.GitAsync(repos.Work, "checkout", "--quiet", "-B", "main");
        foreach (var (path, text) in files ?? new Dictionary<string, string> { ["values.yaml"] = "replicas: 2\nimage: shop:1.0\n" })
        {
            repos.Write(path, text);
        }

        await repos.CommitAsync("base");
        await repos.GitAsync(repos.Work, "push", "--quiet", "-u", "origin", "main");
        return repos;
    }

    /// <summary>Writes a file of the checkout.</summary>
    public void Write(string relative, string text, string? folder = null)
    {
        var path = Path.Combine(folder ?? Work, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Reads a file of the checkout.</summary>
    public string Read(string relative, string? folder = null) => File.ReadAllText(Path.Combine(folder ?? Work, relative));

    /// <summary>Runs git with a test identity; fails the test when git fails. Returns stdout.</summary>
    public async Task<string> GitAsync(string folder, params string[] arguments)
    {
        var result = await TryGitAsync(folder, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {result}");
        }

        return result.StandardOutput;
    }

    /// <summary>Runs git with a test identity and returns what it did, failed or not.</summary>
    public Task<ProcessResult> TryGitAsync(string folder, params string[] arguments) =>
        ProcessRunner.RunAsync("git", ["-C", folder, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. arguments],
            IsolatedEnvironment);

    /// <summary>Adds everything and commits in <paramref name="folder"/> (default the checkout); returns the commit.</summary>
    public async Task<string> CommitAsync(string message, string? folder = null)
    {
        await GitAsync(folder ?? Work, "add", "-A");
        await GitAsync(folder ?? Work, "commit", "--quiet", "-m", message);
        return (await GitAsync(folder ?? Work, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>A pull request merged with a merge commit: <paramref name="branch"/> changes <paramref name="files"/> and is merged
    /// into <c>main</c> with <c>--no-ff</c>, pushed. Returns the merge commit; the checkout ends on <c>main</c>.</summary>
    public async Task<string> MergeAsync(string branch, IReadOnlyDictionary<string, string> files, string message = "Merge pull request")
    {
        await GitAsync(Work, "checkout", "--quiet", "-b", branch);
        foreach (var (path, text) in files)
        {
            Write(path, text);
        }

        await CommitAsync("change on " + branch);
        await GitAsync(Work, "checkout", "--quiet", "main");
        await GitAsync(Work, "merge", "--quiet", "--no-ff", "-m", message, branch);
        await GitAsync(Work, "push", "--quiet", "origin", "main");
        return (await GitAsync(Work, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>A pull request squash-merged: one single-parent commit on <c>main</c> changing <paramref name="files"/>, pushed.</summary>
    public async Task<string> SquashAsync(IReadOnlyDictionary<string, string> files, string message)
    {
        foreach (var (path, text) in files)
        {
            Write(path, text);
        }

        var sha = await CommitAsync(message);
        await GitAsync(Work, "push", "--quiet", "origin", "main");
        return sha;
    }

    /// <summary>Every ref of <c>origin</c> with its commit, as <c>git for-each-ref</c> lists them.</summary>
    public async Task<string> OriginRefsAsync() => await GitAsync(Origin, "for-each-ref", "--format=%(refname) %(objectname)");

    /// <summary>A second clone of <c>origin</c> (another person), in <c>Root/name</c>.</summary>
    public async Task<string> CloneAsync(string name)
    {
        await GitAsync(Root, "clone", "--quiet", Origin, name);
        return Path.Combine(Root, name);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is no test failure.
        }
        catch (UnauthorizedAccessException)
        {
            // Git's read-only pack files on some systems; left behind.
        }
    }
}
