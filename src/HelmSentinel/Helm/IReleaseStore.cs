namespace HelmSentinel.Helm;

/// <summary>
/// Where helm keeps its release records, read without a helm process (helm's storage driver, read as helm reads it). A
/// store that cannot answer says so with null, and <see cref="HelmCli"/> asks helm instead: it is a shortcut, never the
/// only way.
/// </summary>
public interface IReleaseStore
{
    /// <summary>The release's stored revisions, oldest first (none for a release that does not exist), or null when they
    /// cannot be read here (unreachable, refused, a record it cannot decode).</summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    Task<IReadOnlyList<StoredRevision>?> ReadAsync(HelmTarget target, CancellationToken cancellationToken);
}

/// <summary>One stored revision: its history entry, as <c>helm history -o json</c> would print it, and the release record
/// itself (JSON, as <c>helm status -o json</c> prints it plus the chart). The record holds the chart's values and rendered
/// Secrets: it is never written to any channel.</summary>
/// <param name="Entry">The revision's history entry.</param>
/// <param name="ReleaseJson">The stored release record.</param>
public sealed record StoredRevision(HistoryEntry Entry, string ReleaseJson)
{
    /// <summary>A release record's manifest and hooks, as <c>helm get manifest</c> and <c>helm get hooks</c> print them (each
    /// hook <c>---</c>, <c># Source: PATH</c>, its YAML); null when the record holds no readable manifest.</summary>
    /// <param name="releaseJson">The release record.</param>
    public static (string Manifest, string Hooks)? ManifestAndHooks(string releaseJson)
    {
        try
        {
            using var record = System.Text.Json.JsonDocument.Parse(releaseJson);
            var root = record.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("manifest", out var manifest)
                || manifest.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                return null;
            }

            var hooks = new System.Text.StringBuilder();
            if (root.TryGetProperty("hooks", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var hook in list.EnumerateArray())
                {
                    hooks.Append("---\n# Source: ").Append(Text(hook, "path")).Append('\n').Append(Text(hook, "manifest")).Append('\n');
                }
            }

            return (manifest.GetString()!, hooks.ToString());
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Text(System.Text.Json.JsonElement element, string name) =>
        element.ValueKind == System.Text.Json.JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()!
            : "";
}
