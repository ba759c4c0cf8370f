using System.Text;
using CliWrap;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// The action's entry run as a process with the environment a runner gives a step: <c>GITHUB_*</c>, <c>RUNNER_TEMP</c>,
/// an event payload file, fresh <c>$GITHUB_OUTPUT</c> and <c>$GITHUB_STEP_SUMMARY</c> files and <c>INPUT_*</c>
/// variables (in the runner's dash-keeping form and in the composite action's underscore form).
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
            ["HELM_SENTINEL_GITHUB_RETRY_DELAY"] = "20ms",
        };
    }

    public string Root => _home.Root;

    public string RunnerTemp => Path.Combine(_home.Root, "runner-temp");

    public string EventPath => Path.Combine(_home.Root, "event.json");

    public string OutputPath => Path.Combine(_home.Root, "github-output");

    public string SummaryPath => Path.Combine(_home.Root, "step-summary.md");

    public Dictionary<string, string?> Environment { get; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr, string Output, string Summary, IReadOnlyDictionary<string, string> Outputs)
    {
        public string Log => Stdout + Stderr;
    }

    public async Task<Result> RunAsync(IReadOnlyDictionary<string, string> inputs)
    {
        File.WriteAllText(OutputPath, "");
        File.WriteAllText(SummaryPath, "");
        var environment = new Dictionary<string, string?>(Environment, StringComparer.Ordinal);
        foreach (var (name, value) in inputs)
        {
            environment[name] = value;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "HelmSentinel.Action.dll")])
            .WithEnvironmentVariables(environment.AsReadOnly())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync();
        var output = await File.ReadAllTextAsync(OutputPath);
        return new Result(result.ExitCode, stdout.ToString(), stderr.ToString(), output, await File.ReadAllTextAsync(SummaryPath), ParseOutputs(output));
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
