namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// What deleting an object does to its dependents (the objects whose <c>ownerReferences</c> name its uid), as
/// <c>DeleteOptions.propagationPolicy</c> says. The store applies each synchronously: no finalizers, no
/// <c>deletionTimestamp</c>, no garbage collector lagging behind.
/// </summary>
public enum DeletePropagation
{
    /// <summary>The object goes first, then its dependents (and theirs): what a real garbage collector does soon after.</summary>
    Background,

    /// <summary>The dependents go first (recursively, each in the foreground), then the object.</summary>
    Foreground,

    /// <summary>The dependents stay, without the owner reference to the deleted object.</summary>
    Orphan,
}
