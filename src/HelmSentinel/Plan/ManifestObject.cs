using System.Text.Json.Nodes;

namespace HelmSentinel.Plan;

/// <summary>One object of a rendered release: its key, <c>apiVersion</c>, the template it came from and its body.</summary>
/// <param name="Key">Group, kind, namespace and name.</param>
/// <param name="ApiVersion">The <c>apiVersion</c> as written, e.g. <c>apps/v1</c>.</param>
/// <param name="Source">The template path from helm's <c># Source:</c> line; null when there was none.</param>
/// <param name="Body">The object as the API server would read it.</param>
/// <param name="IsHook">True for a hook (<c>helm.sh/hook</c>): helm creates it around the upgrade, it does not patch it.</param>
/// <param name="Size">The document's length in characters.</param>
public sealed record ManifestObject(ObjectKey Key, string ApiVersion, string? Source, JsonObject Body, bool IsHook, int Size)
{
    /// <summary>The document's YAML as helm rendered it (null for an item of a <c>List</c>): what a dry-run apply sends, so
    /// that the API server reads it with its own YAML rules.</summary>
    public string? Document { get; init; }

    /// <summary>The API version without its group: <c>v1</c> of <c>apps/v1</c>.</summary>
    public string Version => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[(ApiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : ApiVersion;
}
