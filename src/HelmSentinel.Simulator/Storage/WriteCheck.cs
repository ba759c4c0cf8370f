using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// Runs inside an API write, under the store's lock, once the object to store is complete (defaults filled, generation
/// set): <paramref name="live"/> is the stored object (null for a create), <paramref name="stored"/> what would replace it.
/// It may throw an <see cref="ApiException"/> to refuse the write or edit <paramref name="stored"/> (managedFields).
/// Controllers' writes have none, so validation and field ownership never apply to them.
/// </summary>
internal delegate void WriteCheck(JsonObject? live, JsonObject stored);
