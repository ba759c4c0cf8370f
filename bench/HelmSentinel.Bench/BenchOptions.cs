using HelmSentinel.Text;

namespace HelmSentinel.Bench;

/// <summary>The benchmark's options: <c>--timeout D</c> (Go duration, default 120s), <c>--repeat N</c> (default 3) and
/// <c>--only TEXT</c> (the scenarios whose name, as printed with its major, e.g. <c>helm4 fixed cost</c>, contains it;
/// default all) and <c>--asset PATH</c> (a self-contained CLI executable to measure beside the other builds).</summary>
internal sealed record BenchOptions(TimeSpan Timeout, int Repeat)
{
    /// <summary>Runs only the scenarios whose name (<c>helm3 restore crash</c>, …) contains this; null: all of them.</summary>
    public string? Only { get; init; }

    /// <summary>A self-contained CLI executable (a release asset, <c>.ci/publish-assets.sh</c>) measured as a third build in
    /// the fixed-cost rows; null: only the jitted and the ReadyToRun builds.</summary>
    public string? Asset { get; init; }

    /// <summary>Whether the scenario <paramref name="name"/> runs.</summary>
    public bool Runs(string name) => Only is null || name.Contains(Only, StringComparison.OrdinalIgnoreCase);

    /// <summary>The shortest timeout under which every scenario can still succeed with plain helm.</summary>
    public static readonly TimeSpan MinimumTimeout = TimeSpan.FromSeconds(20);

    public const string Usage = "usage: dotnet run -c Release --project bench/HelmSentinel.Bench -- [--timeout 120s] [--repeat 3] [--only 'fixed cost' | --only helm4] [--asset artifacts/assets/helm-sentinel-linux-x64]";

    /// <summary>Parses the arguments; null with an error message when they are not understood.</summary>
    public static (BenchOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions(TimeSpan.FromSeconds(120), 3);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--timeout" when value is not null && GoDuration.TryParse(value, out var timeout):
                    options = options with { Timeout = timeout };
                    i++;
                    break;
                case "--repeat" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var repeat) && repeat >= 1:
                    options = options with { Repeat = repeat };
                    i++;
                    break;
                case "--only" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Only = value };
                    i++;
                    break;
                case "--asset" when !string.IsNullOrWhiteSpace(value) && File.Exists(value):
                    options = options with { Asset = Path.GetFullPath(value) };
                    i++;
                    break;
                default:
                    return (null, $"cannot understand '{args[i]}{(value is null ? "" : " " + value)}'\n{Usage}");
            }
        }

        // The healthy scenario's rollout (two pods, 5 s readiness each) takes about 12 s: a shorter timeout would
        // make plain helm roll it back and the comparison meaningless.
        if (options.Timeout < MinimumTimeout)
        {
            return (null, $"--timeout must be at least {(int)MinimumTimeout.TotalSeconds}s: the healthy upgrade alone takes about 12 s\n{Usage}");
        }

        return (options, null);
    }
}
