using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Migrations;

/// <summary>
/// A real Git repository in a temporary folder, as a pull request's checkout has it: a bare repository as <c>origin</c>,
/// a base commit on <c>main</c> with two migrations (pushed), and a pull request branch whose commit changes one of them
/// and adds a file that is no migration.
/// </summary>
internal sealed class PullRequestRepo : IDisposable
{
    private PullRequestRepo(string root) => Root = root;

    /// <summary>The temporary folder holding <c>origin.git</c> and <c>work</c>.</summary>
    public string Root { get; }

    /// <summary>The work tree, on the pull request's branch.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>The base commit (main's, as pushed to origin).</summary>
    public string BaseSha { get; private set; } = "";

    public static async Task<PullRequestRepo> CreateAsync()
    {
        var repo = new PullRequestRepo(Directory.CreateTempSubdirectory("hs-migrations-").FullName);
        await repo.GitAsync(repo.Root, "init", "--quiet", "--bare", "-b", "main", "origin.git");
        await repo.GitAsync(repo.Root, "init", "--quiet", "-b", "main", "work");
        await repo.GitAsync(repo.Work, "remote", "add", "origin", Path.Combine(repo.Root, "origin.git"));
        repo.Write("db/migrations/001_users.sql", "CREATE TABLE users (id int, email text);\n");
        repo.Write("db/migrations/002_orders.sql", "CREATE TABLE orders (id int);\n");
        await repo.CommitAsync("base: two migrations");
        await repo.GitAsync(repo.Work, "push", "--quiet", "origin", "main");
        repo.BaseSha = (await repo.GitAsync(repo.Work, "rev-parse", "HEAD")).Trim();
        await repo.GitAsync(repo.Work, "checkout", "--quiet", "-b", "pr");
        repo.Write("db/migrations/002_orders.sql", "CREATE TABLE orders (id int);\n-- the pull request's change\nALTER TABLE orders DROP COLUMN id;\n");
        repo.Write("README.md", "not a migration\n");
        await repo.CommitAsync("pr: drop a column");
        return repo;
    }

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Work, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public async Task<string> GitAsync(string folder, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", ["-C", folder, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. arguments],
            [new("GIT_CONFIG_NOSYSTEM", "1"), new("GIT_CONFIG_GLOBAL", "/dev/null")]);
        result.ExitCode.Should().Be(0, result.ToString());
        return result.StandardOutput;
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
    }

    private async Task CommitAsync(string message)
    {
        await GitAsync(Work, "add", "-A");
        await GitAsync(Work, "commit", "--quiet", "-m", message);
    }
}
