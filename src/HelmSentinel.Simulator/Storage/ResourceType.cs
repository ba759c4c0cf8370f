namespace HelmSentinel.Simulator.Storage;

/// <summary>One kind of object the simulator serves, as discovery describes it.</summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Version">The API version, e.g. <c>v1</c>.</param>
/// <param name="Resource">The plural resource name used in URLs, e.g. <c>deployments</c>.</param>
/// <param name="Kind">The object kind, e.g. <c>Deployment</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="ShortNames">kubectl short names, e.g. <c>deploy</c>.</param>
public sealed record ResourceType(string Group, string Version, string Resource, string Kind, bool Namespaced, IReadOnlyList<string> ShortNames)
{
    /// <summary>The <c>apiVersion</c> of objects of this type, e.g. <c>apps/v1</c> or <c>v1</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name used in error messages, e.g. <c>deployments.apps</c> or <c>pods</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";
}
