using HelmSentinel.Resilience.Helm;
using HelmSentinel.Text;
using Polly;

namespace HelmSentinel.Helm;

/// <summary>
/// The helm commands the engine needs, each run through the process seam and the retry pipeline,
/// with its command line and output echoed (masked) to the deploy log.
/// </summary>
public sealed class HelmCli
{
    // helm history's default --max: the newest revisions it prints.
    private const int HistoryMax = 256;

    private readonly IHelmProcess _process;
    private readonly string _helmPath;
    private readonly IDeployLog _log;
    private readonly SecretMasker _masker;
    private readonly ResiliencePipeline<HelmProcessResult> _pipeline;
    private readonly HelmVersionCache? _versions;
    private readonly IReleaseStore? _store;

    // The revisions the last history read found in the store, with the target they are of.
    private (HelmTarget Target, IReadOnlyList<StoredRevision> Revisions)? _stored;

    /// <param name="process">Runs helm.</param>
    /// <param name="helmPath">The helm binary: a path or a name found on PATH.</param>
    /// <param name="log">Receives each mutating command line and its output, masked.</param>
    /// <param name="masker">Masks secrets in what reaches the log and the errors.</param>
    /// <param name="pipeline">What every call but <c>helm version</c> goes through (see <see cref="Pipeline"/>).</param>
    /// <param name="versions">Where <c>helm version</c>'s answer is kept per binary; null asks helm every time.</param>
    /// <param name="store">Helm's release records, read without helm for the history (helm is asked when it cannot
    /// answer); null always asks helm.</param>
    public HelmCli(
        IHelmProcess process, string helmPath, IDeployLog log, SecretMasker masker, ResiliencePipeline<HelmProcessResult> pipeline,
        HelmVersionCache? versions = null, IReleaseStore? store = null)
    {
        _versions = versions;
        _store = store;
        _process = process ?? throw new ArgumentNullException(nameof(process));
        _helmPath = helmPath;
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _masker = masker ?? throw new ArgumentNullException(nameof(masker));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    /// <summary>The retry of transient failures (<see cref="HelmRetry"/>), each retry a masked warning in <paramref name="log"/>.</summary>
    public static ResiliencePipeline<HelmProcessResult> Pipeline(HelmRetryOptions retry, TimeProvider time, IDeployLog log, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(masker);
        return HelmRetry.Create(retry, time, attempt => log.Warning(
            $"helm failed with a transient error (attempt {attempt.FailedAttempt} of {attempt.MaxAttempts}): " +
            $"{TextFormat.FirstLine(masker.Mask(attempt.Error))}; retrying in {attempt.Delay.TotalSeconds:0.0}s"));
    }

    /// <summary>Runs <c>helm version --short</c> (not retried: a missing binary stays missing), or answers from the cache for a
    /// binary it has seen, unchanged (see <see cref="HelmVersionCache"/>).</summary>
    public async Task<HelmVersion> VersionAsync(CancellationToken cancellationToken)
    {
        if (_versions?.Find(_helmPath) is { } known)
        {
            return known;
        }

        var result = await _process.RunAsync(new HelmInvocation(_helmPath, HelmArguments.Version()), cancellationToken);
        if (!result.Succeeded)
        {
            throw new HelmNotFoundException(_helmPath, new InvalidOperationException(_masker.Mask(result.ErrorText)));
        }

        var version = HelmVersion.Parse(result.StandardOutput);
        _versions?.Store(_helmPath, version);
        return version;
    }

    /// <summary>Reads the release history from the release store when there is one and it can answer, else with
    /// <c>helm history</c>; an unknown release gives <see cref="ReleaseHistory.Empty"/>.</summary>
    /// <exception cref="HelmCommandException">helm failed for another reason (after retries).</exception>
    public async Task<ReleaseHistory> HistoryAsync(HelmTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_store is not null && await _store.ReadAsync(target, cancellationToken) is { } stored)
        {
            _stored = (target, stored);

            // helm history prints the newest revisions, at most its --max (256).
            return new ReleaseHistory(stored.TakeLast(HistoryMax).Select(r => r.Entry)); // the store's revisions are oldest first
        }

        var result = await RunAsync(HelmArguments.History(target), echo: false, cancellationToken);
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

    /// <summary>
    /// The hook manifests of one revision as helm prints them (<c>helm get hooks</c>; empty for a revision without
    /// hooks), through the retry pipeline and not echoed: the text can carry what the chart put in its hooks.
    /// </summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1.</param>
    /// <param name="cancellationToken">Interrupts helm.</param>
    /// <exception cref="HelmCommandException">helm failed (after retries), including for a release or revision that does not exist.</exception>
    public async Task<string> GetHooksAsync(HelmTarget target, int revision, CancellationToken cancellationToken)
    {
        var result = await RunAsync(HelmArguments.GetHooks(target, revision), echo: false, cancellationToken);
        return result.Succeeded ? result.StandardOutput : throw new HelmCommandException("helm get hooks", result, _masker);
    }

    /// <summary>The manifest and the hooks of one stored revision, as <c>helm get manifest</c> and <c>helm get hooks</c> print
    /// them: from the last history read when it came from the store (a revision's manifest and hooks never change), else
    /// from those two commands, side by side. Never echoed (they can carry the chart's Secrets).</summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1.</param>
    /// <param name="cancellationToken">Interrupts helm.</param>
    /// <exception cref="HelmCommandException">helm failed (after retries), including for a revision that does not exist.</exception>
    public async Task<(string Manifest, string Hooks)> StoredManifestAsync(HelmTarget target, int revision, CancellationToken cancellationToken)
    {
        if (_stored is { } stored && stored.Target == target && stored.Revisions.FirstOrDefault(r => r.Entry.Revision == revision) is { } found
            && StoredRevision.ManifestAndHooks(found.ReleaseJson) is { } texts)
        {
            return texts;
        }

        var manifest = GetManifestAsync(target, revision, cancellationToken);
        var hooks = GetHooksAsync(target, revision, cancellationToken);
        return (await manifest, await hooks);
    }

    /// <summary>The stored release of one revision as JSON (<c>helm status --output json</c>), not echoed (its hooks' manifests
    /// can carry what the chart put in them).</summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1.</param>
    /// <param name="cancellationToken">Interrupts helm.</param>
    /// <exception cref="HelmCommandException">helm failed (after retries), including for a revision that does not exist.</exception>
    public async Task<string> StatusJsonAsync(HelmTarget target, int revision, CancellationToken cancellationToken)
    {
        var result = await RunAsync(HelmArguments.Status(target, revision), echo: false, cancellationToken);
        return result.Succeeded ? result.StandardOutput : throw new HelmCommandException("helm status", result, _masker);
    }

    /// <summary>The stored manifest of one revision (<c>helm get manifest</c>), not echoed (it can carry the chart's Secrets).</summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1.</param>
    /// <param name="cancellationToken">Interrupts helm.</param>
    /// <exception cref="HelmCommandException">helm failed (after retries).</exception>
    public async Task<string> GetManifestAsync(HelmTarget target, int revision, CancellationToken cancellationToken)
    {
        var result = await RunAsync(HelmArguments.GetManifest(target, revision), echo: false, cancellationToken);
        return result.Succeeded ? result.StandardOutput : throw new HelmCommandException("helm get manifest", result, _masker);
    }

    /// <summary>
    /// Runs the upgrade as a dry run (<see cref="HelmArguments.DryRun"/>) through the retry pipeline; its command line is
    /// echoed, its output is not (it holds every rendered Secret). A failure is a result.
    /// </summary>
    /// <param name="request">The upgrade.</param>
    /// <param name="version">The helm client's version.</param>
    /// <param name="server">True for <c>--dry-run=server</c>.</param>
    /// <param name="cancellationToken">Interrupts helm.</param>
    /// <param name="echo">False to leave the command line to the caller (<see cref="Echo"/>), for a dry run started before its
    /// log group opens.</param>
    /// <param name="retried">False for one attempt without the retry pipeline (a dry run begun before the cluster is known
    /// to answer, whose retries would only repeat the history read's); its caller retries a transient failure itself.</param>
    public Task<HelmProcessResult> DryRunAsync(
        HelmUpgrade request, HelmVersion version, bool server, CancellationToken cancellationToken, bool echo = true, bool retried = true)
    {
        var arguments = HelmArguments.DryRun(request, version, server);
        if (echo)
        {
            Echo(arguments);
        }

        return retried ? RunAsync(arguments, echo: false, cancellationToken) : _process.RunAsync(new HelmInvocation(_helmPath, arguments), cancellationToken);
    }

    /// <summary>Writes a helm command line to the log, masked, as the commands that echo themselves do.</summary>
    public void Echo(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        _log.Info("$ helm " + _masker.Mask(string.Join(' ', arguments.Select(Quote))));
    }

    /// <summary>Renders the upgrade without the cluster (<see cref="HelmArguments.Template"/>); echoed, its output not.</summary>
    public Task<HelmProcessResult> TemplateAsync(HelmUpgrade request, HelmVersion version, bool isUpgrade, CancellationToken cancellationToken)
    {
        var arguments = HelmArguments.Template(request, version, isUpgrade);
        Echo(arguments);
        return RunAsync(arguments, echo: false, cancellationToken);
    }

    /// <summary>
    /// Runs <c>helm test</c> (see <see cref="HelmArguments.Test"/>) with its command line and output echoed, masked, to
    /// the log, through the retry pipeline (a test failure is not transient: it is not retried). A failing test is a
    /// result, not an exception: read it with <see cref="HelmTestResult.Parse"/>.
    /// </summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="version">The helm client's version.</param>
    /// <param name="timeout">How long each test may take.</param>
    /// <param name="filters">Helm's test filters.</param>
    /// <param name="cancellationToken">Interrupts helm.</param>
    public Task<HelmProcessResult> TestAsync(
        HelmTarget target, HelmVersion version, TimeSpan timeout, IReadOnlyList<string> filters, CancellationToken cancellationToken) =>
        RunAsync(HelmArguments.Test(target, version, timeout, filters), echo: true, cancellationToken);

    /// <summary>Runs a mutating helm command with live, masked output.</summary>
    public Task<HelmProcessResult> RunMutatingAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, echo: true, cancellationToken);

    /// <summary>As <see cref="RunMutatingAsync(IReadOnlyList{string}, CancellationToken)"/>, for a command that ignores SIGINT
    /// (<c>helm rollback</c>): cancelling kills it at once.</summary>
    public Task<HelmProcessResult> RunMutatingKilledOnCancelAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, echo: true, cancellationToken, killOnCancel: true);

    private async Task<HelmProcessResult> RunAsync(IReadOnlyList<string> arguments, bool echo, CancellationToken cancellationToken, bool killOnCancel = false)
    {
        if (echo)
        {
            Echo(arguments);
        }

        Action<string>? sink = echo ? line => _log.Info(_masker.Mask(line)) : null;
        var invocation = new HelmInvocation(_helmPath, arguments, sink, killOnCancel);
        return await _pipeline.ExecuteAsync(
            static async (state, ct) => await state.process.RunAsync(state.invocation, ct),
            (process: _process, invocation),
            cancellationToken);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=:,@+%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
