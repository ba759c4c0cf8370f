using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Helm;

/// <summary>
/// What <c>helm version --short</c> printed, kept per binary: the full path of the file, its size and its modification
/// time. A binary replaced, rebuilt or touched is another key, so it is asked again; a binary that is gone has no key, so
/// it is asked (and its absence reported) as before. One small JSON file in the tool's cache folder, written whole and
/// moved into place, so that two deploys at once never read half a file; one that cannot be read is a miss.
/// </summary>
public sealed class HelmVersionCache
{
    private const string FileName = "helm-versions-v1.json";

    // Enough for every helm a machine has; the oldest entries go first.
    private const int MaxEntries = 32;

    private readonly string _folder;
    private readonly string? _searchPath;

    /// <param name="folder">The folder the cache file lives in (made when first written).</param>
    /// <param name="searchPath">The <c>PATH</c> a bare name such as <c>helm</c> is found on.</param>
    public HelmVersionCache(string folder, string? searchPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = folder;
        _searchPath = searchPath;
    }

    /// <summary>The cache in the user's cache folder: <c>$XDG_CACHE_HOME/helm-sentinel</c>, else
    /// <c>$HOME/.cache/helm-sentinel</c> (<c>%LOCALAPPDATA%\helm-sentinel</c> on Windows); null when the environment names
    /// no such folder, and then nothing is cached.</summary>
    /// <param name="variable">The process's variables by name, as the entry point reads them.</param>
    public static HelmVersionCache? ForUser(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? Get(string name) => variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
        var root = OperatingSystem.IsWindows()
            ? Get("LOCALAPPDATA")
            : Get("XDG_CACHE_HOME") ?? (Get("HOME") is { } home ? Path.Combine(home, ".cache") : null);
        return root is null || !Path.IsPathRooted(root) ? null : new HelmVersionCache(Path.Combine(root, "helm-sentinel"), Get("PATH"));
    }

    /// <summary>The version recorded for this very binary, or null (never seen, changed since, gone, or the cache unreadable).</summary>
    /// <param name="helmPath">The helm binary: a path or a name found on <c>PATH</c>.</param>
    public HelmVersion? Find(string helmPath)
    {
        if (Key(helmPath) is not { } key)
        {
            return null;
        }

        foreach (var entry in Read())
        {
            if (entry.Matches(key))
            {
                try
                {
                    return HelmVersion.Parse(entry.Version);
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>Records what this binary printed. A cache that cannot be written is left as it is: the next deploy asks again.</summary>
    /// <param name="helmPath">The helm binary: a path or a name found on <c>PATH</c>.</param>
    /// <param name="version">What its <c>helm version --short</c> printed.</param>
    public void Store(string helmPath, HelmVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Key(helmPath) is not { } key)
        {
            return;
        }

        var entries = Read().Where(e => e.Path != key.Path).ToList();
        entries.Add(key with { Version = version.Text });
        var array = new JsonArray([.. entries.TakeLast(MaxEntries).Select(e => (JsonNode)new JsonObject
        {
            ["path"] = e.Path,
            ["size"] = e.Size,
            ["modified"] = e.Modified,
            ["version"] = e.Version,
        })]);
        var temporary = Path.Combine(_folder, $"{FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(_folder);
            File.WriteAllText(temporary, new JsonObject { ["entries"] = array }.ToJsonString());
            File.Move(temporary, Path.Combine(_folder, FileName), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
        }
    }

    // The binary as a key: the file a bare name resolves to on PATH (as the process start resolves it), its size and
    // modification time; null when there is no such file.
    private Entry? Key(string helmPath)
    {
        if (string.IsNullOrWhiteSpace(helmPath))
        {
            return null;
        }

        var file = Resolve(helmPath);
        if (file is null)
        {
            return null;
        }

        var info = new FileInfo(file);
        return info.Exists ? new Entry(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks, "") : null;
    }

    private string? Resolve(string helmPath)
    {
        if (helmPath.Contains(Path.DirectorySeparatorChar) || helmPath.Contains(Path.AltDirectorySeparatorChar))
        {
            return Path.GetFullPath(helmPath);
        }

        foreach (var folder in (_searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() && !helmPath.Contains('.', StringComparison.Ordinal) ? [helmPath + ".exe", helmPath] : new[] { helmPath })
            {
                var candidate = Path.Combine(folder, name);
                if (Path.IsPathRooted(candidate) && File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private List<Entry> Read()
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, FileName)));
            return [.. (root?["entries"] as JsonArray ?? []).OfType<JsonObject>().Select(Entry.From).OfType<Entry>()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            return [];
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary file in the cache folder; the next write replaces the cache anyway.
        }
    }

    private sealed record Entry(string Path, long Size, long Modified, string Version)
    {
        public bool Matches(Entry key) => Path == key.Path && Size == key.Size && Modified == key.Modified;

        public static Entry? From(JsonObject o) =>
            o["path"]?.GetValue<string>() is { } path && o["version"]?.GetValue<string>() is { } version
                ? new Entry(path, o["size"]?.GetValue<long>() ?? -1, o["modified"]?.GetValue<long>() ?? -1, version)
                : null;
    }
}
