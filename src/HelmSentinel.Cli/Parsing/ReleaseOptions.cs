using System.CommandLine;
using HelmSentinel.Deploy;
using HelmSentinel.Migrations;

namespace HelmSentinel.Cli.Parsing;

/// <summary>The options <c>deploy</c> and <c>plan</c> share: which release, which chart with which values, which cluster,
/// which helm, what to mask; and the request they make. Each command adds its own to its option list.</summary>
internal sealed class ReleaseOptions
{
    // The core's defaults, so an option left out means what the core means.
    private static readonly DeployRequest Defaults = new() { Release = "", Chart = "" };

    public ReleaseOptions()
    {
        Release.Required = true;
        Chart.Required = true;
    }

    public Option<string?> Release { get; } = CliOptions.Text("--release", "R", "Helm release name");

    public Option<string?> Chart { get; } = CliOptions.Text("--chart", "C", "chart folder, .tgz, repo/name or oci://host/path");

    public Option<string?> Namespace { get; } = CliOptions.Namespace();

    public Option<string[]> Values { get; } = CliOptions.List("--values", "FILE", "values file (repeatable; the last wins)", "-f");

    public Option<string[]> Set { get; } = CliOptions.List("--set", "k=v", "--set pair (repeatable)");

    public Option<string[]> SetString { get; } = CliOptions.List("--set-string", "k=v", "--set-string pair (repeatable)");

    public Option<string[]> SetFile { get; } = CliOptions.List("--set-file", "k=path", "--set-file pair (repeatable)");

    public Option<string?> Version { get; } = CliOptions.Text("--version", "V", "chart version (repository and OCI charts)");

    public Option<OnOff?> CreateNamespace { get; } = CliOptions.Switch("--create-namespace", "create the namespace if missing");

    public Option<OnOff?> ReuseValues { get; } = CliOptions.Switch("--reuse-values", "merge these values into the last release's (not with --reset-values)");

    public Option<OnOff?> ResetValues { get; } = CliOptions.Switch("--reset-values", "start again from the chart's default values");

    public Option<string?> KubeContext { get; } = CliOptions.KubeContext();

    public Option<string?> Kubeconfig { get; } = CliOptions.Kubeconfig();

    public Option<string?> Helm { get; } = CliOptions.Helm();

    public Option<string[]> Secret { get; } = CliOptions.List("--secret", "VALUE", "a value to mask in every output (repeatable)");

    public Option<string[]> Migrations { get; } = CliOptions.List(
        "--migrations", "GLOB", "SQL migration files to lint for destructive statements, relative to the working folder, e.g. db/migrations/*.sql (repeatable; ** for any depth)");

    public Option<string?> MigrationsDialect { get; } = CliOptions.Choice(
        "--migrations-dialect", "the migrations' SQL dialect (default: postgresql)", [.. MigrationNames.Dialects.Keys]);

    public Option<string?> DestructiveMigrations { get; } = CliOptions.Choice(
        "--destructive-migrations", "a destructive migration is a warning, or refuses the upgrade with exit 3 (default: warn)", [.. MigrationNames.Policies.Keys]);

    public Option<string?> MigrationsBase { get; } = CliOptions.Text(
        "--migrations-base", "REV", "lint only the migrations added or changed since REV (git diff --name-only REV...HEAD), e.g. origin/main");

    /// <summary>The migration options, as each command lists them.</summary>
    public IReadOnlyList<Option> MigrationOptions => [Migrations, MigrationsDialect, DestructiveMigrations, MigrationsBase];

    /// <summary>The request these options ask for, the helm flags after <c>--</c> as given; the core's defaults for the rest. Pure.</summary>
    public DeployRequest ToRequest(ParseResult parse, IReadOnlyList<string> helmFlags)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new DeployRequest
        {
            Release = parse.GetValue(Release) ?? "",
            Chart = parse.GetValue(Chart) ?? "",
            Namespace = parse.GetValue(Namespace) ?? Defaults.Namespace,
            ValuesFiles = parse.GetList(Values),
            Set = parse.GetList(Set),
            SetString = parse.GetList(SetString),
            SetFile = parse.GetList(SetFile),
            ChartVersion = parse.GetValue(Version),
            CreateNamespace = parse.GetSwitch(CreateNamespace, Defaults.CreateNamespace),
            ReuseValues = parse.GetSwitch(ReuseValues, Defaults.ReuseValues),
            ResetValues = parse.GetSwitch(ResetValues, Defaults.ResetValues),
            KubeContext = parse.GetValue(KubeContext),
            Kubeconfig = parse.GetValue(Kubeconfig),
            HelmPath = parse.GetValue(Helm) ?? Defaults.HelmPath,
            ExtraArgs = helmFlags,
            Migrations = DeployInputs.GlobList(parse.GetList(Migrations)),
            MigrationsDialect = parse.GetValue(MigrationsDialect) is { } dialect ? MigrationNames.Dialects[dialect] : Defaults.MigrationsDialect,
            DestructiveMigrations = parse.GetValue(DestructiveMigrations) is { } policy ? MigrationNames.Policies[policy] : Defaults.DestructiveMigrations,
            MigrationsBase = parse.GetValue(MigrationsBase),
            Secrets = [.. parse.GetList(Secret), .. DeployInputs.UndeclaredSecrets([.. parse.GetList(Set), .. parse.GetList(SetString)])],
        };
    }
}
