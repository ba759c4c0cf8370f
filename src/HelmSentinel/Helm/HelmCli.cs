using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience;
using Polly;

namespace HelmSentinel.Helm;

/// <summary>
/// The helm commands the engine needs, each run through the process seam and the retry pipeline,
/// with its command line and output echoed (masked) to the deploy log.
/// </summary>
public sealed class HelmCli
{
    private readonly IHelmProcess _process;
    private readonly string _helmPath;
    private readonly IDeployLog _log;
    private readonly SecretMasker _masker;
    private readonly ResiliencePipeline<HelmProcessResult> _pipeline;

    public HelmCli(IHelmProcess process, string helmPath, IDeployLog log, SecretMasker masker, HelmRetryOptions retry, TimeProvider time)
    {
        _process = process ?? throw new ArgumentNullException(nameof(process));
        _helmPath = helmPath;
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _masker = masker ?? throw new ArgumentNullException(nameof(masker));
        _pipeline = HelmRetry.Create(retry, time, attempt => _log.Warning(
            $"helm failed with a transient error (attempt {attempt.FailedAttempt} of {attempt.MaxAttempts}): " +
            $"{FirstLine(_masker.Mask(attempt.Error))}; retrying in {attempt.Delay.TotalSeconds:0.0}s"));
    }

    /// <summary>Runs <c>helm version --short</c> (not retried: a missing binary stays missing).</summary>
    public async Task<HelmVersion> VersionAsync(CancellationToken cancellationToken)
    {
        var result = await _process.RunAsync(new HelmInvocation(_helmPath, HelmArguments.Version()), cancellationToken);
        if (!result.Succeeded)
        {
            throw new HelmNotFoundException(_helmPath, new InvalidOperationException(_masker.Mask(result.ErrorText)));
        }

        return HelmVersion.Parse(result.StandardOutput);
    }

    /// <summary>Reads the release history; an unknown release gives <see cref="ReleaseHistory.Empty"/>.</summary>
    /// <exception cref="HelmCommandException">helm failed for another reason (after retries).</exception>
    public async Task<ReleaseHistory> HistoryAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        var result = await RunAsync(HelmArguments.History(request), echo: false, cancellationToken);
        if (result.Succeeded)
        {
            return ReleaseHistory.Parse(result.StandardOutput);
        }

        if (result.ErrorText.Contains("release: not found", StringComparison.OrdinalIgnoreCase))
        {
            return ReleaseHistory.Empty;
        }

        throw new HelmCommandException("helm history", result, _masker);
    }

    /// <summary>Runs a mutating helm command with live, masked output.</summary>
    public Task<HelmProcessResult> RunMutatingAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, echo: true, cancellationToken);

    private async Task<HelmProcessResult> RunAsync(IReadOnlyList<string> arguments, bool echo, CancellationToken cancellationToken)
    {
        if (echo)
        {
            _log.Info("$ helm " + _masker.Mask(string.Join(' ', arguments.Select(Quote))));
        }

        Action<string>? sink = echo ? line => _log.Info(_masker.Mask(line)) : null;
        var invocation = new HelmInvocation(_helmPath, arguments, sink);
        return await _pipeline.ExecuteAsync(
            static async (state, ct) => await state.process.RunAsync(state.invocation, ct),
            (process: _process, invocation),
            cancellationToken);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=:,@+%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}

/// <summary>A helm command failed in a way the engine does not turn into an outcome by itself.</summary>
public sealed class HelmCommandException : Exception
{
    public HelmCommandException(string command, HelmProcessResult result, SecretMasker masker)
        : base($"{command} failed: {masker?.Mask(result?.ErrorText ?? "") ?? ""}")
    {
        Result = result;
    }

    /// <summary>What helm returned.</summary>
    public HelmProcessResult? Result { get; }
}
