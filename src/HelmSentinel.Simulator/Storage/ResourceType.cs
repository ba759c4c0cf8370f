namespace HelmSentinel.Simulator.Storage;

/// <summary>One kind of object the simulator serves, as discovery describes it.</summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Version">The API version, e.g. <c>v1</c>.</param>
/// <param name="Resource">The plural resource name used in URLs, e.g. <c>deployments</c>.</param>
/// <param name="Kind">The object kind, e.g. <c>Deployment</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="ShortNames">kubectl short names, e.g. <c>deploy</c>.</param>
/// <remarks>Two types are the same when they are served at the same URL (group, version, resource): a
/// CustomResourceDefinition updated with other names or columns keeps its objects.</remarks>
public sealed record ResourceType(string Group, string Version, string Resource, string Kind, bool Namespaced, IReadOnlyList<string> ShortNames)
{
    /// <summary>The <c>apiVersion</c> of objects of this type, e.g. <c>apps/v1</c> or <c>v1</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name used in error messages, e.g. <c>deployments.apps</c> or <c>pods</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    /// <summary>The CustomResourceDefinition that serves the type (<c>PLURAL.GROUP</c>); null for a built-in type.</summary>
    public string? Definition { get; init; }

    /// <summary>For a custom type: the singular name the definition declares.</summary>
    public string? Singular { get; init; }

    /// <summary>For a custom type: whether its version declares the <c>status</c> subresource.</summary>
    public bool StatusSubresource { get; init; }

    /// <summary>For a custom type: the categories it declares (e.g. <c>all</c>).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>For a custom type: its version's <c>additionalPrinterColumns</c>.</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>Whether a CustomResourceDefinition serves the type.</summary>
    public bool IsCustom => Definition is not null;

    /// <inheritdoc/>
    public bool Equals(ResourceType? other) =>
        other is not null && Group == other.Group && Version == other.Version && Resource == other.Resource;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Group, Version, Resource);
}

/// <summary>One <c>additionalPrinterColumns</c> entry of a CustomResourceDefinition version.</summary>
/// <param name="Name">The column's header.</param>
/// <param name="Type">Its OpenAPI type (<c>string</c>, <c>integer</c>, <c>date</c>...).</param>
/// <param name="JsonPath">Its simple JSONPath, e.g. <c>.status.conditions[?(@.type=="Ready")].status</c>.</param>
/// <param name="Priority">0 for the default view, more for <c>-o wide</c>.</param>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority);
