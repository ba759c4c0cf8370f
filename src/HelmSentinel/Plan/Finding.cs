namespace HelmSentinel.Plan;

/// <summary>How much a preflight finding weighs.</summary>
public enum FindingSeverity
{
    /// <summary>The upgrade would fail or leave pods that cannot start: plan exits 3, deploy refuses before any change.</summary>
    Blocking,

    /// <summary>Worth knowing before the upgrade; it does not stop it.</summary>
    Warning,
}

/// <summary>What the preflight found: which check, about which object, what will happen and what to do.</summary>
/// <param name="Severity">Blocking or warning.</param>
/// <param name="Check">The check's name (<see cref="Checks"/>).</param>
/// <param name="Object">The object it is about; null for the release as a whole.</param>
/// <param name="Message">What will happen, in a sentence.</param>
/// <param name="Fix">What to do about it.</param>
public sealed record Finding(FindingSeverity Severity, string Check, ObjectKey? Object, string Message, string Fix)
{
    /// <summary><c>blocking</c> or <c>warning</c>, as the JSON and the reports write it.</summary>
    public string SeverityName => Severity is FindingSeverity.Blocking ? "blocking" : "warning";
}

/// <summary>The names of the preflight checks, as findings, the JSON and the reports give them.</summary>
public static class Checks
{
    /// <summary>A change to a field the API server will not update.</summary>
    public const string ImmutableField = "immutable-field";

    /// <summary>An object of the chart exists and belongs to another release, or to none.</summary>
    public const string Ownership = "ownership";

    /// <summary>A ConfigMap or Secret a pod template needs is neither in the chart nor in the cluster.</summary>
    public const string MissingReference = "missing-reference";

    /// <summary>The chart renders an API version the cluster does not serve.</summary>
    public const string UnservedApi = "unserved-api";

    /// <summary>The deployed revision's stored manifest holds an API version the cluster no longer serves.</summary>
    public const string UnservedStoredApi = "unserved-stored-api";

    /// <summary>The live object differs from the deployed revision's manifest in a field the manifest sets.</summary>
    public const string Drift = "drift";

    /// <summary>The release record approaches or passes Helm's 1 MiB limit.</summary>
    public const string ReleaseSize = "release-size";

    /// <summary>The API server refuses the object in a server-side dry run.</summary>
    public const string ServerDryRun = "server-dry-run";

    /// <summary>helm's server-side dry run failed; the plan was rendered without the cluster.</summary>
    public const string Render = "render";
}
