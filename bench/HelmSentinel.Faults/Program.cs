using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;
using HelmSentinel.TestSupport.Faults;

// The fault matrix as a program: every case of FaultMatrix at Helm 3 and 4 against one simulator, with the real helm,
// one row a case, then the line faults=<n> survived=<n> pending-locks=<n> wrong-exit=<n>. It reports; it does not
// assert (the tests in tests/HelmSentinel.Tests/Faults do). Usage: [--major 3|4] [--axis NAME] [--details] [--from DIR]
// With --from DIR it runs nothing: it prints the rows the fault tests wrote there (HELMSENTINEL_FAULT_ROWS=DIR), the way
// .ci/run shows the matrix without running every case twice, and exits 1 when a case has no row.
var majors = Value("--major") is { } major ? [int.Parse(major, System.Globalization.CultureInfo.InvariantCulture)] : new[] { 3, 4 };
var axis = Value("--axis");
var details = args.Contains("--details");
var cases = FaultMatrix.Cases.Where(c => axis is null || c.Axis == axis).ToList();
if (cases.Count == 0 || majors.Any(m => m is not (3 or 4)))
{
    await Console.Error.WriteLineAsync("usage: HelmSentinel.Faults [--major 3|4] [--axis api-outage|throttling|watch|killed-helm|rollback-refused] [--details] [--from DIR]");
    return 3;
}

if (Value("--from") is { } recorded)
{
    var (rows, missing) = FaultMatrix.ReadRecorded(recorded, [.. cases.SelectMany(c => majors.Select(m => (c, m)))]);
    foreach (var row in rows)
    {
        await Console.Out.WriteLineAsync($"{(row.Survived ? "survived" : "FAILED  ")}  helm {row.Major}  {row.Case}  (exit {row.ExitCode})");
    }

    await Console.Out.WriteLineAsync();
    await Console.Out.WriteAsync(FaultMatrix.Format(rows));
    foreach (var gap in missing)
    {
        await Console.Error.WriteLineAsync($"error: no row in {recorded} for {gap}: its fault test did not run");
    }

    return missing.Count == 0 ? 0 : 1;
}

await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
var results = new List<FaultCaseResult>();
foreach (var @case in cases)
{
    foreach (var m in majors)
    {
        var index = FaultMatrix.Cases.ToList().IndexOf(@case);
        var result = await FaultMatrix.RunAsync(@case, m, simulator, TestNames.Release([@case.Axis, index, m], "faults"));
        results.Add(result);
        await Console.Out.WriteLineAsync($"{(result.Survived ? "survived" : "FAILED  ")}  helm {m}  {@case}  (exit {result.ExitCode})");
        if (details || !result.Survived)
        {
            await Console.Out.WriteLineAsync(result.Details);
        }
    }
}

await Console.Out.WriteLineAsync();
await Console.Out.WriteAsync(FaultMatrix.Format(results));
return 0;

string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
