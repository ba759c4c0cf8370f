using System.Globalization;
using System.Text;
using System.Text.Json;
using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Faults;

namespace HelmSentinel.TestSupport.Faults;

/// <summary>One case of the fault matrix: a fault (or a killed helm) at one moment of a deploy.</summary>
/// <param name="Axis">The kind of trouble: api-outage, throttling, watch, killed-helm, rollback-refused.</param>
/// <param name="Name">The case, in words.</param>
/// <param name="Run">Installs, arms, deploys and states the honest end (exit code → serving image).</param>
public sealed record FaultCase(string Axis, string Name, Func<FaultRun, Task<IReadOnlyDictionary<int, string?>>> Run)
{
    public override string ToString() => $"{Axis}: {Name}";
}

/// <summary>How one case ended at one Helm major.</summary>
public sealed record FaultCaseResult(
    FaultCase Case, int Major, int ExitCode, string Result, bool WrongExit, bool PendingLock, IReadOnlyList<string> Problems, string Details)
{
    /// <summary>True when the deploy ended as the case expects and every check of the end state held. A pending lock is
    /// survived only when nothing could be restored (exit 2) and the report says how to clear it.</summary>
    public bool Survived => !WrongExit && Problems.Count == 0 && (!PendingLock || ExitCode == 2);
}

/// <summary>
/// The fault matrix: every case at both Helm majors against the simulator with the real helm. Each case ends with the
/// same checks, whatever the fault: the exit code is one the case calls honest; no pending-* revision holds the release;
/// the outcome says what the history says is deployed; and the release's Deployment serves the image of the revision the
/// exit code claims (the new one, or the restored one), with no pod of the broken template left. A deploy that could not
/// restore (exit 2) must tell a person what to do. The tests assert on these results; <c>bench/HelmSentinel.Faults</c>
/// prints them.
/// </summary>
public static class FaultMatrix
{
    private static readonly string[] Healthy = ["image.tag=1.26.0"];
    private static readonly string[] Crash = ["image.repository=sim.local/crash"];

    /// <summary>Every case.</summary>
    public static IReadOnlyList<FaultCase> Cases { get; } =
    [
        new("api-outage", "503 for 5 s before the upgrade", async run =>
        {
            await InstallAsync(run);
            run.Fault(new FaultRule { Kind = FaultKind.Status, Code = 503, ForTime = TimeSpan.FromSeconds(5) });
            await run.DeployAsync(run.Request(Healthy));
            return Ends((0, FaultRun.NewImage));
        }),
        new("api-outage", "503 for 5 s during helm's wait", async run =>
        {
            await InstallAsync(run);
            var armed = run.When(() => run.HasPodOf("sim.local/slow-8:1.25.0"), "a pod of the slow upgrade exists", () =>
                run.Fault(new FaultRule { Kind = FaultKind.Status, Code = 503, Verb = "get,list,watch", ForTime = TimeSpan.FromSeconds(5) }));
            await run.DeployAsync(run.Request("image.repository=sim.local/slow-8"));
            await armed;
            return Ends((0, "sim.local/slow-8:1.25.0"), (1, FaultRun.GoodImage));
        }),
        new("api-outage", "503 for 5 s during Helm's atomic rollback", async run =>
        {
            await InstallAsync(run);
            var armed = run.When(() => run.HasRevision(3), "Helm's rollback writes revision 3", () =>
                run.Fault(new FaultRule { Kind = FaultKind.Status, Code = 503, ForTime = TimeSpan.FromSeconds(5) }));
            await run.DeployAsync(run.Request(Crash));
            await armed;
            return Ends((1, FaultRun.GoodImage));
        }),
        new("api-outage", "503 for 5 s during the engine's explicit rollback", async run =>
        {
            await InstallAsync(run);

            // Helm's own rollback cannot record its revision (the second release Secret created in this deploy), so the
            // engine rolls back itself; a 503 window opens as it does.
            run.Fault(new FaultRule { Kind = FaultKind.RefuseReleaseWrites, Verb = "create", FromRequest = 2, ForRequests = 1 });
            var armed = run.When(() => run.HasRevision(3), "the engine's rollback writes its revision", () =>
                run.Fault(new FaultRule { Kind = FaultKind.Status, Code = 503, ForTime = TimeSpan.FromSeconds(5) }));
            await run.DeployAsync(run.Request(Crash));
            await armed;
            return Ends((1, FaultRun.GoodImage));
        }),
        new("throttling", "429 storm with Retry-After", async run =>
        {
            await InstallAsync(run);
            run.Fault(new FaultRule { Kind = FaultKind.Status, Code = 429, RetryAfterSeconds = 1, ForRequests = 15 });
            await run.DeployAsync(run.Request(Healthy));
            return Ends((0, FaultRun.NewImage));
        }),
        new("throttling", "etcd leader changed on the release Secrets", async run =>
        {
            await InstallAsync(run);
            run.Fault(new FaultRule { Kind = FaultKind.LeaderChanged, ReleaseSecrets = true, ForRequests = 3 });
            await run.DeployAsync(run.Request(Healthy));
            return Ends((0, FaultRun.NewImage));
        }),
        new("throttling", "a conflict on the release Secret", async run =>
        {
            await InstallAsync(run);
            run.Fault(new FaultRule { Kind = FaultKind.Conflict, ReleaseSecrets = true, ForRequests = 1 });
            await run.DeployAsync(run.Request(Healthy));
            return Ends((0, FaultRun.NewImage));
        }),
        new("watch", "the pods watch cut during fail-fast", async run =>
        {
            await InstallAsync(run);
            run.Fault(new FaultRule { Kind = FaultKind.WatchCut, Verb = "watch", Resource = "pods", AfterEvents = 1, ForRequests = 3 });
            await run.DeployAsync(run.Request(Crash));
            return Ends((1, FaultRun.GoodImage));
        }),
        new("killed-helm", "helm SIGKILLed in the upgrade, then the next deploy", async run =>
        {
            await InstallAsync(run);
            using var helm = run.StartHelm(KilledUpgrade(run, timeout: "60s"));
            await Eventually.WaitUntilAsync(() => run.HasPodOf(FaultRun.BrokenImage), "the upgrade's broken pod exists", TimeSpan.FromSeconds(60));
            helm.Kill();
            await helm.WaitForExitAsync();
            await run.DeployAsync(run.Request(Healthy), new ShiftedClock(TimeSpan.FromMinutes(10)));
            return Ends((0, FaultRun.NewImage));
        }),
        new("killed-helm", "helm SIGKILLed in its atomic rollback, then the next deploy", async run =>
        {
            await InstallAsync(run);

            // Once the broken pod exists, every answer about the Deployment is slow: the upgrade's wait runs out, and
            // Helm's rollback, which records its revision first and then touches the Deployment, is caught in it.
            var slow = run.When(() => run.HasPodOf(FaultRun.BrokenImage), "the upgrade's broken pod exists", () =>
                run.Fault(new FaultRule { Kind = FaultKind.Latency, Delay = TimeSpan.FromSeconds(30), Resource = "deployments" }));
            using var helm = run.StartHelm(KilledUpgrade(run, timeout: "6s"));
            await slow;
            await Eventually.WaitUntilAsync(() => run.HasRevision(3, "pending-rollback"), () => "revision 3 is pending-rollback (the revisions are " + run.Revisions() + ")", TimeSpan.FromSeconds(30));
            helm.Kill();
            await helm.WaitForExitAsync();
            run.ClearFaults();
            await run.DeployAsync(run.Request(Healthy), new ShiftedClock(TimeSpan.FromMinutes(10)));
            return Ends((0, FaultRun.NewImage));
        }),
        new("rollback-refused", "writes to release Secrets refused during every rollback", async run =>
        {
            await InstallAsync(run);
            var armed = run.When(() => run.HasPodOf(FaultRun.BrokenImage), "the upgrade's broken pod exists", () =>
                run.Fault(new FaultRule { Kind = FaultKind.RefuseReleaseWrites }));
            await run.DeployAsync(run.Request(Crash));
            await armed;
            run.ClearFaults();
            return Ends((2, null));
        }),
    ];

    /// <summary>Runs a case on <paramref name="simulator"/> and checks its end. Never throws for what the case finds.</summary>
    public static async Task<FaultCaseResult> RunAsync(FaultCase @case, int major, KubeSimulator simulator, string release)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(simulator);
        using var run = new FaultRun(simulator, major, release);
        IReadOnlyDictionary<int, string?> honest;
        try
        {
            honest = await @case.Run(run);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            return new FaultCaseResult(@case, major, -1, "error", true, false, ["the case did not run: " + e.Message], e.ToString());
        }

        // The checks read the cluster as it is once the trouble is over: the case's faults end with the case.
        run.ClearFaults();

        var outcome = run.Outcome!;
        var history = await run.HistoryAsync();
        var problems = new List<string>();
        var wrongExit = !honest.TryGetValue(outcome.ExitCode, out var image);
        if (outcome.CurrentRevision != history.Deployed?.Revision)
        {
            problems.Add($"the outcome says revision {outcome.CurrentRevision?.ToString(CultureInfo.InvariantCulture) ?? "none"} is deployed, the history {history.Deployed?.Revision.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        if (!wrongExit && image is not null)
        {
            try
            {
                await Eventually.WaitUntilAsync(
                    () => run.TemplateImage() == image && run.Pods().All(p => FaultRun.Image(p) != FaultRun.BrokenImage),
                    $"the Deployment serves {image} and no pod of the broken template is left", TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                problems.Add($"the Deployment's template is {run.TemplateImage()}, not {image}, or pods of the broken template remain ({string.Join(", ", run.Pods().Select(FaultRun.Image))})");
            }
        }

        if (outcome.ExitCode == 2 && NextSteps.For(outcome).Count == 0)
        {
            problems.Add("the release was not restored and the report does not say what a person must do");
        }

        if (outcome.ExitCode == 2 && history.Latest is { IsPending: true } locked
            && !NextSteps.For(outcome).Any(step => step.Contains($"lock of revision {locked.Revision}", StringComparison.Ordinal)))
        {
            problems.Add($"revision {locked.Revision} is left {locked.Status} and the report does not say how to clear it");
        }

        var details = new StringBuilder()
            .Append($"exit {outcome.ExitCode} ({outcome.Result}); honest: {string.Join(", ", honest.Keys)}; reason: {outcome.FailureReason}\n")
            .Append("history: ").Append(string.Join(", ", history.Entries.Select(e => $"{e.Revision} {e.Status} '{e.Description}'"))).Append('\n')
            .Append("faults: ").Append(string.Join(", ", run.Fired.Select(f => $"{f.Rule.Kind} fired {f.Fired}"))).Append('\n')
            .Append(string.Join('\n', run.Log.TakeLast(40)))
            .ToString();
        return new FaultCaseResult(
            @case, major, outcome.ExitCode, DeployResultNames.Of(outcome.Result), wrongExit, history.Latest?.IsPending == true, problems, details);
    }

    /// <summary>The table and the summary line <c>faults=n survived=n pending-locks=n wrong-exit=n</c>.</summary>
    public static string Format(IReadOnlyList<FaultCaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder("| axis | case | helm | exit | result | survived |\n|---|---|---:|---:|---|---|\n");
        foreach (var r in results)
        {
            text.Append($"| {r.Case.Axis} | {r.Case.Name} | {r.Major} | {r.ExitCode} | {r.Result} | {(r.Survived ? "yes" : "NO: " + string.Join("; ", r.Problems.Append(r.WrongExit ? "wrong exit" : "").Append(r.PendingLock ? "pending lock" : "").Where(p => p.Length > 0)))} |\n");
        }

        return text.Append(Summary(results)).Append('\n').ToString();
    }

    /// <summary>The environment variable naming a folder into which each fault-matrix test writes its row, so that
    /// <c>.ci/run</c> prints the matrix from the test run instead of running every case a second time.</summary>
    public const string RowsVariable = "HELMSENTINEL_FAULT_ROWS";

    /// <summary>Writes one result as a row file of <paramref name="folder"/> (one file per case and major, so a case run
    /// again replaces its row). The details stay with the test's output.</summary>
    public static void Record(FaultCaseResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        var index = Cases.ToList().IndexOf(result.Case);
        var row = new RecordedRow(result.Case.Axis, result.Case.Name, result.Major, result.ExitCode, result.Result, result.WrongExit, result.PendingLock, result.Problems);
        File.WriteAllText(Path.Combine(folder, FormattableString.Invariant($"{result.Case.Axis}-{index}-helm{result.Major}.json")), JsonSerializer.Serialize(row));
    }

    /// <summary>The rows <see cref="Record"/> wrote, in the matrix's order (case, then major), and the case/major pairs
    /// of <paramref name="expected"/> that have no row.</summary>
    public static (IReadOnlyList<FaultCaseResult> Results, IReadOnlyList<string> Missing) ReadRecorded(string folder, IReadOnlyList<(FaultCase Case, int Major)> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var rows = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Select(f => JsonSerializer.Deserialize<RecordedRow>(File.ReadAllText(f))!).ToList()
            : [];
        var results = new List<FaultCaseResult>();
        var missing = new List<string>();
        foreach (var (@case, major) in expected)
        {
            if (rows.FirstOrDefault(r => r.Axis == @case.Axis && r.Name == @case.Name && r.Major == major) is { } row)
            {
                results.Add(new FaultCaseResult(@case, major, row.ExitCode, row.Result, row.WrongExit, row.PendingLock, row.Problems, string.Empty));
            }
            else
            {
                missing.Add($"helm {major}  {@case}");
            }
        }

        return (results, missing);
    }

    /// <summary><c>faults=n survived=n pending-locks=n wrong-exit=n</c>.</summary>
    public static string Summary(IReadOnlyList<FaultCaseResult> results) =>
        $"faults={results.Count} survived={results.Count(r => r.Survived)} pending-locks={results.Count(r => r.PendingLock)} wrong-exit={results.Count(r => r.WrongExit)}";

    private sealed record RecordedRow(
        string Axis, string Name, int Major, int ExitCode, string Result, bool WrongExit, bool PendingLock, IReadOnlyList<string> Problems);

    private static async Task InstallAsync(FaultRun run)
    {
        var first = await run.DeployAsync(run.Request());
        if (first.ExitCode != 0)
        {
            throw new InvalidOperationException("the healthy install failed: " + first.FailureReason);
        }
    }

    private static string[] KilledUpgrade(FaultRun run, string timeout) =>
    [
        "upgrade", run.Release, Tools.Chart("fixture-web"), "--install", "--namespace", run.Release,
        run.Major == 3 ? "--atomic" : "--rollback-on-failure", run.Major == 3 ? "--wait" : "--wait=watcher",
        "--timeout", timeout, "--set", Crash[0],
    ];

    private static IReadOnlyDictionary<int, string?> Ends(params (int Exit, string? Image)[] ends) => ends.ToDictionary(e => e.Exit, e => e.Image);

    /// <summary>The system clock moved forward: a lock left by a killed helm is older than its timeout then.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
