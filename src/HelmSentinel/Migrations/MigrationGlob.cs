using System.Text;
using System.Text.RegularExpressions;

namespace HelmSentinel.Migrations;

/// <summary>
/// The glob patterns of the <c>migrations</c> input, relative to the working folder: <c>*</c> and <c>?</c> within one
/// path segment, <c>**</c> any number of segments (<c>db/**/*.sql</c> matches <c>db/a.sql</c> and <c>db/x/y/a.sql</c>),
/// <c>/</c> as the separator on every platform. Matching is ordinal (case-sensitive), as Git's paths are.
/// </summary>
public static class MigrationGlob
{
    /// <summary>Why <paramref name="glob"/> cannot be used (absolute, climbing out with <c>..</c>, empty); null when it is fine.</summary>
    public static string? Problem(string glob)
    {
        ArgumentNullException.ThrowIfNull(glob);
        var normal = glob.Trim().Replace('\\', '/');
        if (normal.Length == 0)
        {
            return "is empty";
        }

        if (normal.StartsWith('/') || Path.IsPathRooted(normal) || (normal.Length > 1 && normal[1] == ':'))
        {
            return "is absolute; give it relative to the repository's root (the working folder), e.g. db/migrations/*.sql";
        }

        return normal.Split('/').Contains("..")
            ? "climbs out of the repository with '..'; give it relative to the repository's root, e.g. db/migrations/*.sql"
            : null;
    }

    /// <summary>True when the relative <paramref name="path"/> (either separator) matches <paramref name="glob"/>.</summary>
    public static bool IsMatch(string glob, string path)
    {
        ArgumentNullException.ThrowIfNull(glob);
        ArgumentNullException.ThrowIfNull(path);
        return ToRegex(glob).IsMatch(Normal(path));
    }

    /// <summary>The files under <paramref name="root"/> that match any of <paramref name="globs"/>: relative paths with
    /// <c>/</c>, in ordinal order, each once. Only the folders a glob can reach are walked; <c>.git</c> never.</summary>
    public static IReadOnlyList<string> Match(string root, IEnumerable<string> globs)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(globs);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var glob in globs.Select(Normal))
        {
            var regex = ToRegex(glob);
            var fixedPart = string.Join('/', glob.Split('/').TakeWhile(s => s.IndexOfAny(['*', '?', '[']) < 0).SkipLast(1));
            var start = Path.Combine(root, fixedPart);
            if (!Directory.Exists(start))
            {
                continue;
            }

            foreach (var file in FilesUnder(start))
            {
                var relative = Normal(Path.GetRelativePath(root, file));
                if (regex.IsMatch(relative))
                {
                    found.Add(relative);
                }
            }
        }

        return [.. found];
    }

    // Every file below the folder, without descending into a .git folder (a glob such as **/*.sql would walk it all).
    private static IEnumerable<string> FilesUnder(string folder)
    {
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.None };
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            foreach (var file in Directory.EnumerateFiles(current, "*", options))
            {
                yield return file;
            }

            foreach (var child in Directory.EnumerateDirectories(current, "*", options).Where(d => Path.GetFileName(d) != ".git"))
            {
                pending.Push(child);
            }
        }
    }

    private static string Normal(string path)
    {
        var normal = path.Trim().Replace('\\', '/');
        while (normal.StartsWith("./", StringComparison.Ordinal))
        {
            normal = normal[2..];
        }

        return normal;
    }

    private static Regex ToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        var g = Normal(glob);
        for (var i = 0; i < g.Length; i++)
        {
            if (g[i] == '*' && i + 1 < g.Length && g[i + 1] == '*')
            {
                // '**/' matches no segment or several; a trailing '**' everything below.
                var slash = i + 2 < g.Length && g[i + 2] == '/';
                pattern.Append(slash ? "(?:[^/]+/)*" : ".*");
                i += slash ? 2 : 1;
            }
            else if (g[i] == '*')
            {
                pattern.Append("[^/]*");
            }
            else if (g[i] == '?')
            {
                pattern.Append("[^/]");
            }
            else
            {
                pattern.Append(Regex.Escape(g[i].ToString()));
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
