using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Storage;

/// <summary>One committed change in the <see cref="ObjectStore"/>.</summary>
/// <param name="Type"><c>ADDED</c>, <c>MODIFIED</c> or <c>DELETED</c>.</param>
/// <param name="ResourceType">The type of the changed object.</param>
/// <param name="Object">The object after the change (for DELETED: the last state, with the deletion's resourceVersion).</param>
/// <param name="ResourceVersion">The global resourceVersion of the change.</param>
public sealed record WatchEvent(string Type, ResourceType ResourceType, JsonObject Object, long ResourceVersion)
{
    /// <summary>The object before the change (null for ADDED); lets watches with selectors tell "stopped matching" apart.</summary>
    internal JsonObject? Previous { get; init; }
}
