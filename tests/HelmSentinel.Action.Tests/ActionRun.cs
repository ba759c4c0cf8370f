using HelmSentinel.Helm;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// The action run with the environment a runner gives a step: <c>GITHUB_*</c>, <c>RUNNER_TEMP</c>, an event payload
/// file, fresh <c>$GITHUB_OUTPUT</c> and <c>$GITHUB_STEP_SUMMARY</c> files and <c>INPUT_*</c> variables (in the
/// runner's dash-keeping form and in the composite action's underscore form). <see cref="RunAsync"/> starts the entry
/// as a process, as the runner does; <see cref="RunInProcessAsync"/> calls <see cref="GitHubAction.RunAsync"/> with
/// services a process cannot be given (millisecond retries).
/// </summary>
public sealed class ActionRun : IDisposable
{
    private readonly IsolatedHome _home = new();

    public ActionRun(Uri apiUrl, string eventName, string eventPayload)
    {
        Directory.CreateDirectory(RunnerTemp);
        File.WriteAllText(EventPath, eventPayload);
        File.WriteAllText(OutputPath, "");
        File.WriteAllText(SummaryPath, "");
        Environment = new Dictionary<string, string?>(_home.Environment, StringComparer.Ordinal)
        {
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_REPOSITORY"] = "acme/shop",
            ["GITHUB_REPOSITORY_OWNER"] = "acme",
            ["GITHUB_SHA"] = "9f4c5e0d1b2a39484756a1b2c3d4e5f601234567",
            ["GITHUB_REF"] = eventName == "pull_request" ? "refs/pull/7/merge" : "refs/heads/main",
            ["GITHUB_EVENT_NAME"] = eventName,
            ["GITHUB_EVENT_PATH"] = EventPath,
            ["GITHUB_API_URL"] = apiUrl.AbsoluteUri.TrimEnd('/'),
            ["GITHUB_SERVER_URL"] = "https://github.example",
            ["GITHUB_RUN_ID"] = "4242",
            ["GITHUB_RUN_ATTEMPT"] = "1",
            ["GITHUB_OUTPUT"] = OutputPath,
            ["GITHUB_STEP_SUMMARY"] = SummaryPath,
            ["GITHUB_WORKSPACE"] = _home.Root,
            ["RUNNER_TEMP"] = RunnerTemp,
        };
    }

    public string Root => _home.Root;

    /// <summary>The isolated home the run's helm uses (and a test's own helm, to look at the cluster).</summary>
    public IsolatedHome Home => _home;

    public string RunnerTemp => Path.Combine(_home.Root, "runner-temp");

    public string EventPath => Path.Combine(_home.Root, "event.json");

    public string OutputPath => Path.Combine(_home.Root, "github-output");

    public string SummaryPath => Path.Combine(_home.Root, "step-summary.md");

    public Dictionary<string, string?> Environment { get; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr, string Output, string Summary, IReadOnlyDictionary<string, string> Outputs)
    {
        public string Log => Stdout + Stderr;
    }

    /// <summary>Runs the entry as a process, as the runner starts it.</summary>
    public async Task<Result> RunAsync(IReadOnlyDictionary<string, string> inputs)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "HelmSentinel.Action.dll")], Prepare(inputs));
        return await ResultAsync(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Runs <see cref="GitHubAction.RunAsync"/> in this process with the same environment and
    /// <paramref name="services"/>; its helm gets the isolated home, as the process's helm inherits it.</summary>
    public async Task<Result> RunInProcessAsync(IReadOnlyDictionary<string, string> inputs, GitHubActionServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var environment = Prepare(inputs).Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
        using var stdout = new StringWriter { NewLine = "\n" };
        var exitCode = await GitHubAction.RunAsync(environment, stdout, services with { Helm = WithHome(services.Helm) });
        return await ResultAsync(exitCode, stdout.ToString(), "");
    }

    private Dictionary<string, string?> Prepare(IReadOnlyDictionary<string, string> inputs)
    {
        File.WriteAllText(OutputPath, "");
        File.WriteAllText(SummaryPath, "");
        var environment = new Dictionary<string, string?>(Environment, StringComparer.Ordinal);
        foreach (var (name, value) in inputs)
        {
            environment[name] = value;
        }

        return environment;
    }

    private Func<IReadOnlyDictionary<string, string?>, IHelmProcess> WithHome(Func<IReadOnlyDictionary<string, string?>, IHelmProcess> helm) => changes =>
    {
        var environment = new Dictionary<string, string?>(_home.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            environment[name] = value;
        }

        return helm(environment);
    };

    private async Task<Result> ResultAsync(int exitCode, string stdout, string stderr)
    {
        var output = await File.ReadAllTextAsync(OutputPath);
        return new Result(exitCode, stdout, stderr, output, await File.ReadAllTextAsync(SummaryPath), ParseOutputs(output));
    }

    /// <summary>Reads <c>$GITHUB_OUTPUT</c> as the runner does: <c>name=value</c> lines or <c>name&lt;&lt;DELIM</c> heredocs.</summary>
    public static IReadOnlyDictionary<string, string> ParseOutputs(string text)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                for (i++; lines[i] != delimiter; i++)
                {
                    value.Add(lines[i]);
                }

                outputs[name] = string.Join('\n', value);
            }
            else
            {
                outputs[line[..equals]] = line[(equals + 1)..];
            }
        }

        return outputs;
    }

    public void Dispose() => _home.Dispose();
}
