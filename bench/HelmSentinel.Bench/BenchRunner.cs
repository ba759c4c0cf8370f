using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Bench;

/// <summary>One scenario: what the upgrade sets, which image must serve at the end, and what its ratio counts towards.</summary>
internal sealed record Scenario(string Name, string Set, string ServingImage, Measure Measure);

/// <summary>What a scenario's ratio is: time to restore, overhead on success, or only shown (not in the last line).</summary>
internal enum Measure
{
    Restore,
    Overhead,
    Shown,
}

/// <summary>
/// Runs plain <c>helm upgrade --install --atomic --wait</c> and <c>helm-sentinel deploy</c> side by side against one
/// in-process simulator, each from the start of the command until the expected pods serve and the release is deployed.
/// </summary>
internal sealed class BenchRunner(BenchOptions options, TextWriter output) : IAsyncDisposable
{
    private static readonly Scenario[] Scenarios =
    [
        new("restore crash", "image.repository=sim.local/crash", GoodImage, Measure.Restore),
        new("restore image-pull", "image.repository=registry.example/missing", GoodImage, Measure.Restore),

        // A healthy upgrade whose pods take 5 s to pass their readiness probe, as real containers do.
        new("overhead healthy", "image.repository=sim.local/slow-5", "sim.local/slow-5:1.25.0", Measure.Overhead),

        // Pods Ready the instant they exist: no cluster behaves so; the difference is helm-sentinel's fixed cost
        // (its own start, helm version, history before and after), shown in seconds, not counted as a ratio.
        new("fixed cost (instant pods)", "image.tag=1.27.0", "nginx:1.27.0", Measure.Shown),
    ];

    // Pods Ready at once that answer 500 on every request: helm calls it a success, helm-sentinel's HTTP check does not.
    private const string ServingFiveHundred = "image.repository=sim.local/http-500";
    private const string FiveHundredImage = "sim.local/http-500:1.25.0";
    private const string GoodImage = "nginx:1.25.0";

    private readonly IsolatedHome _home = new();
    private KubeSimulator _simulator = null!;
    private string _kubeconfig = "";
    private int _releases;
    private string _shipped = "";

    public async Task<int> RunAsync()
    {
        _simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        _kubeconfig = _simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        await output.WriteLineAsync($"timeout {GoTimeout}, {options.Repeat} repetition(s); times from the start of the command until the expected pods serve and the release is deployed");

        // The rows but the fixed cost's run helm-sentinel as it ships: the self-contained asset when given, else the CLI
        // published for this platform (ReadyToRun, as the action builds it from source).
        _shipped = options.Asset ?? await ReadyToRunCliAsync();
        await output.WriteLineAsync($"helm-sentinel: {(options.Asset is null ? "ReadyToRun (framework-dependent)" : "self-contained " + Path.GetFileName(options.Asset))}, except in the fixed-cost rows, which compare the builds");

        double restore = 0, overhead = 0;
        foreach (var major in new[] { 3, 4 })
        {
            foreach (var scenario in Scenarios.Where(s => options.Runs($"helm{major} {s.Name}")))
            {
                if (scenario.Measure == Measure.Shown)
                {
                    await FixedCostAsync(major, scenario);
                    continue;
                }

                var plain = new List<TimeSpan>();
                var sentinel = new List<TimeSpan>();
                for (var i = 0; i < options.Repeat; i++)
                {
                    plain.Add(await MeasureAsync(major, scenario, PlainHelmAsync));
                    sentinel.Add(await MeasureAsync(major, scenario, SentinelAsync));
                }

                var ratio = Stats.Ratio(Stats.Median(sentinel), Stats.Median(plain));
                switch (scenario.Measure)
                {
                    case Measure.Restore:
                        restore = Math.Max(restore, ratio);
                        break;
                    case Measure.Overhead:
                        overhead = Math.Max(overhead, ratio);
                        break;
                }

                await output.WriteLineAsync(
                    $"helm{major} {scenario.Name,-26} plain median {Stats.Seconds(Stats.Median(plain)),8}  helm-sentinel median {Stats.Seconds(Stats.Median(sentinel)),8}  ratio {Stats.Format(ratio)}");
                if (scenario.Measure == Measure.Restore)
                {
                    await output.WriteLineAsync(await LimitAsync(major, scenario, Stats.Median(sentinel)));
                }
            }

            if (options.Runs($"helm{major} ready but serving 500"))
            {
                await output.WriteLineAsync(await ServingFiveHundredAsync(major));
            }

            if (options.Runs($"helm{major} plan 300 objects"))
            {
                await output.WriteLineAsync(await PlanManyAsync(major));
            }
        }

        await output.WriteLineAsync($"restore-ratio={Stats.Format(restore)} overhead-ratio={Stats.Format(overhead)}");
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        _home.Dispose();
    }

    private string GoTimeout => ((int)options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    private async Task<TimeSpan> MeasureAsync(int major, Scenario scenario, Func<int, string, string, Task> upgrade)
    {
        var release = await InstallAsync(major);
        var clock = Stopwatch.StartNew();
        await upgrade(major, release, scenario.Set);
        await WaitUntilServingAsync(release, scenario.ServingImage, clock);
        return clock.Elapsed;
    }

    // How close a restore comes to the physical limit: the time from the upgrade's start until the first fatal pod
    // state is in the API (the bench sees the store's changes as they are committed; fatal as fail-fast reads it: an
    // image that cannot be pulled at once, a crash loop at its second restart), plus a plain `helm rollback --wait` of
    // the same release from that state until v1 serves again. No guard can restore faster than seeing and rolling back.
    private async Task<string> LimitAsync(int major, Scenario scenario, TimeSpan restore)
    {
        var seen = new List<TimeSpan>();
        var rollbacks = new List<TimeSpan>();
        for (var i = 0; i < options.Repeat; i++)
        {
            var release = await InstallAsync(major);
            var fatal = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            using (_simulator.Store.Subscribe(e =>
                   {
                       if (e.ResourceType == ResourceTypes.Pods && e.Object["metadata"]?["namespace"]?.GetValue<string>() == release && IsFatal(e.Object))
                       {
                           fatal.TrySetResult(clock.Elapsed);
                       }
                   }))
            {
                // Without --wait helm returns once the new template is applied; the pods then fail on their own.
                var upgrade = await HelmAsync(major, "upgrade", release, Tools.Chart("fixture-web"), "--namespace", release, "--set", scenario.Set);
                if (upgrade.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{release}: the broken upgrade was refused: {upgrade.StandardError}");
                }

                seen.Add(await fatal.Task.WaitAsync(options.Timeout * 3));
            }

            var rollback = Stopwatch.StartNew();
            await HelmAsync(major, "rollback", release, "1", "--namespace", release, "--wait", "--timeout", GoTimeout);
            await WaitUntilServingAsync(release, GoodImage, rollback);
            rollbacks.Add(rollback.Elapsed);
        }

        var limit = Stats.Median(seen) + Stats.Median(rollbacks);
        return $"helm{major}   {scenario.Name} limit {Stats.Seconds(limit)} (fatal state in the API after {Stats.Seconds(Stats.Median(seen))} " +
               $"+ helm rollback --wait {Stats.Seconds(Stats.Median(rollbacks))})  restore/limit {Stats.Format(Stats.Ratio(restore, limit))}";
    }

    // A pod state fail-fast calls fatal with its defaults: an image that cannot be pulled, or a crash loop at its second restart.
    private static bool IsFatal(JsonObject pod) =>
        pod["status"]?["containerStatuses"] is JsonArray statuses && statuses.Any(c =>
            c?["state"]?["waiting"]?["reason"]?.GetValue<string>() is "ErrImagePull" or "ImagePullBackOff" or "InvalidImageName"
            || (c?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CrashLoopBackOff" && Count(c["restartCount"]) >= 2));

    private static long Count(JsonNode? node) =>
        node is JsonValue value ? (value.TryGetValue<long>(out var l) ? l : value.TryGetValue<int>(out var i) ? i : 0) : 0;

    // The fixed cost, side by side: plain helm, helm-sentinel as built (jitted), as published for this platform
    // (ReadyToRun) and, with --asset, as the release ships it (self-contained), each variant with its breakdown: the start of the process (helm-sentinel --version: the runtime,
    // Main, the command line), the engine's phases as its report gives them, and the rest (loading the deploy's code,
    // writing the report, the end of the process, the bench's 25 ms polling).
    private async Task FixedCostAsync(int major, Scenario scenario)
    {
        var builds = new List<(string, string)> { ("jitted", Path.Combine(AppContext.BaseDirectory, "helm-sentinel.dll")), ("ReadyToRun", await ReadyToRunCliAsync()) };
        if (options.Asset is { } asset)
        {
            builds.Add(("self-contained", asset));
        }

        var plain = new List<TimeSpan>();
        var totals = builds.ToDictionary(b => b.Item1, _ => new List<TimeSpan>());
        var phases = builds.ToDictionary(b => b.Item1, _ => new List<IReadOnlyList<(string Name, TimeSpan Duration)>>());
        for (var i = 0; i < options.Repeat; i++)
        {
            plain.Add(await MeasureAsync(major, scenario, PlainHelmAsync));
            foreach (var (name, cli) in builds)
            {
                var release = await InstallAsync(major);
                var summary = Path.Combine(_home.Root, release + ".summary.md");
                var clock = Stopwatch.StartNew();
                await SentinelAsync(major, release, scenario.Set, ["--summary-file", summary], cli);
                await WaitUntilServingAsync(release, scenario.ServingImage, clock);
                totals[name].Add(clock.Elapsed);
                phases[name].Add(PhaseTable.Parse(await File.ReadAllTextAsync(summary)));
            }
        }

        foreach (var (name, cli) in builds)
        {
            var total = Stats.Median(totals[name]);
            var starts = new List<TimeSpan>();
            for (var i = 0; i < options.Repeat; i++)
            {
                var clock = Stopwatch.StartNew();
                await Command(cli, ["--version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
                starts.Add(clock.Elapsed);
            }

            var start = Stats.Median(starts);
            var medians = PhaseTable.Medians(phases[name]);
            var rest = total - start - medians.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Median);
            await output.WriteLineAsync(
                $"helm{major} {scenario.Name,-26} plain median {Stats.Seconds(Stats.Median(plain)),8}  helm-sentinel median {Stats.Seconds(total),8} ({name})  " +
                $"+{Stats.Seconds(total - Stats.Median(plain))}, not counted");
            await output.WriteLineAsync(
                $"helm{major}   {name} breakdown: process start {Stats.Milliseconds(start)} · {string.Join(" · ", medians.Select(p => $"{p.Name} {Stats.Milliseconds(p.Median)}"))} · rest {Stats.Milliseconds(rest)} (medians)");
        }
    }

    // The CLI published for this platform, as a release would ship it (ReadyToRun, see Directory.Build.targets); once per run.
    private async Task<string> ReadyToRunCliAsync()
    {
        var folder = Path.Combine(_home.Root, "cli-r2r");
        var dll = Path.Combine(folder, "helm-sentinel.dll");
        if (!File.Exists(dll))
        {
            var publish = await global::CliWrap.Cli.Wrap("dotnet")
                .WithArguments(["publish", Path.Combine(Tools.RepoRoot, "src", "HelmSentinel.Cli", "HelmSentinel.Cli.csproj"), "-c", "Release",
                    "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", folder, "--nologo", "-v", "quiet"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            if (publish.ExitCode != 0 || !File.Exists(dll))
            {
                throw new InvalidOperationException($"publishing the ReadyToRun CLI failed: {publish.StandardOutput}{publish.StandardError}");
            }
        }

        return dll;
    }

    /// <summary>
    /// The "Ready but serving 500" row: plain helm's upgrade succeeds and the 500s stay deployed, however long one waits
    /// (there is nothing to measure, so "never restored"); helm-sentinel's HTTP check fails its first sample after Ready
    /// and the release is rolled back. Its time from that sample to restored is read from the report's timeline marks.
    /// </summary>
    private async Task<string> ServingFiveHundredAsync(int major)
    {
        var plain = new List<string>();
        var totals = new List<TimeSpan>();
        var restores = new List<TimeSpan>();
        for (var i = 0; i < options.Repeat; i++)
        {
            plain.Add(await PlainServingFiveHundredAsync(major));
            var (total, restore) = await SentinelServingFiveHundredAsync(major);
            totals.Add(total);
            restores.Add(restore);
        }

        return $"helm{major} {"ready but serving 500",-26} plain {string.Join(", ", plain.Distinct())}  " +
               $"helm-sentinel median {Stats.Seconds(Stats.Median(totals)),8} (first failing sample to restored {Stats.Seconds(Stats.Median(restores))})  not counted";
    }

    private async Task<string> PlainServingFiveHundredAsync(int major)
    {
        var release = await InstallAsync(major);
        var clock = Stopwatch.StartNew();
        await PlainHelmAsync(major, release, ServingFiveHundred);
        var elapsed = clock.Elapsed;

        // The old pods may take a moment to go once helm has returned; either image serving alone settles it.
        while (clock.Elapsed < elapsed + TimeSpan.FromSeconds(10))
        {
            if (Serving(release, FiveHundredImage))
            {
                return $"never restored (helm exited after {Stats.Seconds(elapsed)}, the 500s stay deployed)";
            }

            if (Serving(release, GoodImage))
            {
                return $"restored after {Stats.Seconds(clock.Elapsed)}";
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{release}: neither {FiveHundredImage} nor {GoodImage} serves alone after plain helm");
    }

    private async Task<(TimeSpan Total, TimeSpan Restore)> SentinelServingFiveHundredAsync(int major)
    {
        var release = await InstallAsync(major);
        var verify = Path.Combine(_home.Root, release + ".verify.yaml");
        var summary = Path.Combine(_home.Root, release + ".summary.md");

        // failureLimit 0: the first failing sample ends the bake, so the 30 s bake is never waited out.
        await File.WriteAllTextAsync(verify, $"""
            bake: 30s
            interval: 1s
            checks:
              - name: healthz
                http:
                  service: {release}:http
                  path: /healthz
                  expectStatus: [200]
                failureLimit: 0
            """);
        var clock = Stopwatch.StartNew();
        await SentinelAsync(major, release, ServingFiveHundred, ["--verify", verify, "--summary-file", summary]);
        await WaitUntilServingAsync(release, GoodImage, clock);
        var total = clock.Elapsed;
        var marks = TimelineMarks.Parse(await File.ReadAllTextAsync(summary));
        var restore = TimelineMarks.Between(marks, "check healthz failed", "restored revision")
            ?? throw new InvalidOperationException(
                $"{release}: the report's timeline has no 'check healthz failed' then 'restored revision' mark: {string.Join(" | ", marks.Select(m => m.What))}");
        return (total, restore);
    }

    // The plan of an upgrade that changes every object of a 300-object chart (150 ConfigMaps, 100 Services, 50 Secrets),
    // side by side with helm template of the same chart: what seeing the change costs over merely rendering it.
    private async Task<string> PlanManyAsync(int major)
    {
        var chart = Path.Combine(_home.Root, "chart-300");
        if (!Directory.Exists(chart))
        {
            Directory.CreateDirectory(Path.Combine(chart, "templates"));
            await File.WriteAllTextAsync(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: many\nversion: 0.1.0\n");
            await File.WriteAllTextAsync(Path.Combine(chart, "values.yaml"), "generation: 1\n");
            await File.WriteAllTextAsync(Path.Combine(chart, "templates", "many.yaml"), """
                {{- range $i := until 150 }}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ $.Release.Name }}-config-{{ $i }}
                data:
                  generation: {{ $.Values.generation | quote }}
                  app.conf: |
                    listen {{ add 8000 $i }}
                    generation {{ $.Values.generation }}
                {{- end }}
                {{- range $i := until 100 }}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ $.Release.Name }}-svc-{{ $i }}
                  labels: {generation: {{ $.Values.generation | quote }}}
                spec:
                  selector: {app: many-{{ $i }}}
                  ports: [{port: 80}]
                {{- end }}
                {{- range $i := until 50 }}
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: {{ $.Release.Name }}-secret-{{ $i }}
                stringData:
                  token: generation-{{ $.Values.generation }}
                {{- end }}
                """);
        }

        var release = $"plan{major}-{Interlocked.Increment(ref _releases).ToString(CultureInfo.InvariantCulture)}";
        var install = await HelmAsync(major, "upgrade", "--install", release, chart, "--namespace", release, "--create-namespace");
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"installing {release} failed: {install.StandardError}");
        }

        var template = new List<TimeSpan>();
        var plan = new List<TimeSpan>();
        for (var i = 0; i < options.Repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            await HelmAsync(major, "template", release, chart, "--namespace", release, "--set", "generation=2");
            template.Add(clock.Elapsed);
            clock.Restart();
            var result = await Command(_shipped, ["plan", "--release", release, "--chart", chart,
                    "--namespace", release, "--kubeconfig", _kubeconfig, "--helm", Tools.Helm(major), "--set", "generation=2"])
                .WithEnvironmentVariables(_home.Environment.AsReadOnly())
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync();
            plan.Add(clock.Elapsed);
            if (result.ExitCode != 0 || !result.StandardOutput.Contains("0 to add, 300 to change", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the plan of {release} is not 300 changes: {result.StandardOutput}{result.StandardError}");
            }
        }

        var ratio = Stats.Ratio(Stats.Median(plan), Stats.Median(template));
        return $"helm{major} {"plan 300 objects",-26} helm template median {Stats.Seconds(Stats.Median(template)),8}  helm-sentinel plan median {Stats.Seconds(Stats.Median(plan)),8}  ratio {Stats.Format(ratio)}";
    }

    private async Task<string> InstallAsync(int major)
    {
        var release = $"b{major}-{Interlocked.Increment(ref _releases).ToString(CultureInfo.InvariantCulture)}";
        var install = await HelmAsync(major, "upgrade", "--install", release, Tools.Chart("fixture-web"), "--namespace", release, "--create-namespace", "--wait", "--timeout", "60s");
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"installing {release} failed: {install.StandardError}");
        }

        return release;
    }

    private async Task WaitUntilServingAsync(string release, string image, Stopwatch clock)
    {
        while (!Serving(release, image))
        {
            if (clock.Elapsed > options.Timeout * 3)
            {
                throw new TimeoutException($"{release}: {image} never served again");
            }

            await Task.Delay(25);
        }
    }

    private async Task PlainHelmAsync(int major, string release, string set) =>
        await HelmAsync(major, "upgrade", "--install", release, Tools.Chart("fixture-web"), "--namespace", release,
            major == 3 ? "--atomic" : "--rollback-on-failure", "--wait", "--timeout", GoTimeout, "--set", set);

    private Task SentinelAsync(int major, string release, string set) => SentinelAsync(major, release, set, []);

    private async Task SentinelAsync(int major, string release, string set, IReadOnlyList<string> more, string? build = null)
    {
        var cli = build ?? _shipped;
        await Command(cli, ["deploy", "--release", release, "--chart", Tools.Chart("fixture-web"), "--namespace", release,
                "--kubeconfig", _kubeconfig, "--helm", Tools.Helm(major), "--timeout", GoTimeout, "--set", set, .. more])
            .WithEnvironmentVariables(_home.Environment.AsReadOnly())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
    }

    // A build of the CLI: an assembly runs with dotnet exec, a self-contained executable by itself.
    private static global::CliWrap.Command Command(string cli, IReadOnlyList<string> args) =>
        cli.EndsWith(".dll", StringComparison.Ordinal)
            ? global::CliWrap.Cli.Wrap("dotnet").WithArguments(["exec", cli, .. args])
            : global::CliWrap.Cli.Wrap(cli).WithArguments(args);

    private Task<BufferedCommandResult> HelmAsync(int major, params string[] args) =>
        global::CliWrap.Cli.Wrap(Tools.Helm(major))
            .WithArguments([.. args, "--kubeconfig", _kubeconfig])
            .WithEnvironmentVariables(_home.Environment.AsReadOnly())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync()
            .Task;

    // The expected image serves on every replica, nothing else does, and the release's newest revision is deployed.
    private bool Serving(string release, string image)
    {
        var ready = _simulator.Store.List(ResourceTypes.Pods, release).Where(IsReady).Select(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>()).ToList();
        var latest = _simulator.Store.List(ResourceTypes.Secrets, release)
            .Where(s => s["metadata"]?["labels"]?["name"]?.GetValue<string>() == release)
            .MaxBy(s => int.Parse(s["metadata"]!["labels"]!["version"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        return ready.Count >= 2 && ready.All(i => i == image) &&
               latest?["metadata"]?["labels"]?["status"]?.GetValue<string>() == "deployed";
    }

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions &&
        conditions.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");
}
