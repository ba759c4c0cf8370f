using HelmSentinel.Plan;
using System.Text.Json;
using System.Text.Json.Nodes;

using HelmSentinel.Helm;
using HookManifest = HelmSentinel.Kubernetes.HookManifest;
using HookResource = HelmSentinel.Kubernetes.HookResource;
using HelmSentinel.Resilience.Helm;

namespace HelmSentinel.Deploy;

/// <summary>
/// Makes the plan of an upgrade without changing anything: the deployed revision's manifest and hooks (<c>helm get</c>)
/// against helm's server-side dry run (<c>--dry-run=server -o json</c>, or <c>client</c> when the server refuses), the
/// per-object diff, and the preflight checks against the cluster's discovery and live objects (read-only; the only writes
/// are server-side dry-run applies, which store nothing).
/// </summary>
public sealed class PlanEngine
{
    private const int Parallel = 8;

    // A Secret's values this long or longer are masked in the plan (shorter ones, "true" or "80", would mask common words).
    private const int MinimumMaskedLength = 6;

    private readonly IHelmProcess _process;
    private readonly IDeployLog _log;
    private readonly TimeProvider _time;
    private readonly HelmRetryOptions _retry;

    /// <summary>Where <c>helm version</c>'s answer is kept per binary (path, size, modification time), so that a deploy with
    /// a helm it has seen does not run it again; null asks helm every time.</summary>
    public HelmVersionCache? VersionCache { get; init; }

    /// <summary>True to read the release history from helm's release Secrets directly (one API request, where <c>helm
    /// history</c> is a process), asking helm whenever they cannot be read; set it only when helm stores its releases in
    /// Secrets (<c>HELM_DRIVER</c> unset or <c>secret</c>, see <see cref="DeployEngine.ReadsSecretStorage"/>).</summary>
    public bool ReadsReleaseSecrets { get; init; }

    /// <param name="process">Runs helm.</param>
    /// <param name="log">Receives the live log, masked.</param>
    /// <param name="time">The clock (retry back-off).</param>
    /// <param name="retry">How transient helm failures are retried.</param>
    public PlanEngine(IHelmProcess process, IDeployLog log, TimeProvider? time = null, HelmRetryOptions? retry = null)
    {
        _process = process ?? throw new ArgumentNullException(nameof(process));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? TimeProvider.System;
        _retry = retry ?? new HelmRetryOptions();
    }

    /// <summary>Validates the request as a deploy would, then makes its plan. Never throws for a plan that cannot be made:
    /// that is a <see cref="PlanResult.Rejected"/> or <see cref="PlanResult.Unreachable"/> plan. The result is masked.</summary>
    public async Task<DeployPlan> PlanAsync(DeployRequest request, Func<string, string>? inputName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        inputName ??= static name => name;
        var masker = new SecretMasker(request.MaskedValues);
        var errors = DeployRequestValidator.Validate(request);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                _log.Error(masker.Mask($"invalid input '{inputName(error.Input)}': {error.Message}"));
            }

            return Failed(request, PlanResult.Rejected, "the input is invalid; nothing was planned") with { InputErrors = [.. errors.Select(e => e with { Input = inputName(e.Input) })] };
        }

        var (lint, lintError) = await MigrationGate.LintAsync(request, cancellationToken);
        if (lintError is not null)
        {
            _log.Error(masker.Mask($"invalid input '{inputName(lintError.Input)}': {lintError.Message}"));
            return Failed(request, PlanResult.Rejected, "the input is invalid; nothing was planned") with { InputErrors = [lintError with { Input = inputName(lintError.Input) }] };
        }

        var plan = await PlanValidatedAsync(request, masker, cancellationToken);
        foreach (var finding in lint is null ? [] : MigrationGate.Findings(lint, request.DestructiveMigrations))
        {
            var line = masker.Mask($"{finding.Check} {finding.SeverityName}: {finding.Message}");
            if (finding.Severity is FindingSeverity.Blocking)
            {
                _log.Error(line);
            }
            else
            {
                _log.Warning(line);
            }
        }

        return MigrationGate.AddTo(plan, lint, request.DestructiveMigrations, masker);
    }

    private async Task<DeployPlan> PlanValidatedAsync(DeployRequest request, SecretMasker masker, CancellationToken cancellationToken)
    {
        using var store = ReadsReleaseSecrets ? new SecretReleaseStore() : null;
        var helm = new HelmCli(_process, request.HelmPath, _log, masker, HelmCli.Pipeline(_retry, _time, _log, masker), VersionCache, store);
        HelmVersion version;
        ReleaseHistory history;
        try
        {
            var reading = helm.HistoryAsync(request.Target, cancellationToken);
            version = await helm.VersionAsync(cancellationToken);
            history = await reading;
        }
        catch (HelmNotFoundException e)
        {
            return Failed(request, PlanResult.Unreachable, masker.Mask(e.Message));
        }
        catch (HelmCommandException e)
        {
            return Failed(request, HelmRetry.IsTransientFailure(e.Result) ? PlanResult.Unreachable : PlanResult.Rejected, "helm history failed: " + e.Message);
        }

        if (!version.IsSupported)
        {
            return Failed(request, PlanResult.Unreachable, new UnsupportedHelmVersionException(version).Message);
        }

        try
        {
            return await MakeAsync(request, helm, version, history, _log, _time, cancellationToken) with { Rendered = [] }; // only a deploy's preflight hands its render on
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(request, PlanResult.Unreachable, masker.Mask("the plan could not be made: " + e.Message));
        }
    }

    /// <summary>The plan, for a request already validated and a history already read (the deploy's preflight), continuing
    /// from <paramref name="started"/> (what needs no history, begun while it was read) or from nothing.</summary>
    internal static async Task<DeployPlan> MakeAsync(
        DeployRequest request, HelmCli helm, HelmVersion version, ReleaseHistory history, IDeployLog log, TimeProvider time, CancellationToken cancellationToken,
        PreflightStart? started = null)
    {
        using var own = started is null ? PreflightStart.Begin(request, helm, version, time, cancellationToken) : null;
        var (made, secrets) = await MakeUnmaskedAsync(request, helm, version, history, started ?? own!, cancellationToken);
        var masker = new SecretMasker(request.MaskedValues.Concat(secrets));
        var plan = made.MaskedWith(masker);
        foreach (var finding in plan.Findings)
        {
            var line = masker.Mask($"preflight {finding.SeverityName}: {finding.Message}");
            if (finding.Severity is FindingSeverity.Blocking)
            {
                log.Error(line);
            }
            else
            {
                log.Warning(line);
            }
        }

        return plan;
    }

    // The plan, and the values of every Secret either side renders: masked in it as the request's secrets are, so that an
    // API server's or a webhook's message that quotes a Secret's data does not carry it on. What needs nothing but the
    // request (helm's server dry run, the cluster's discovery) was begun by PreflightStart; the deployed revision's
    // manifest and hooks (from the history's read of the release Secrets, or helm get) are read here.
    private static async Task<(DeployPlan Plan, IReadOnlyList<string> Secrets)> MakeUnmaskedAsync(
        DeployRequest request, HelmCli helm, HelmVersion version, ReleaseHistory history, PreflightStart started, CancellationToken cancellationToken)
    {
        helm.Echo(started.DryRunArguments);
        var (upgrade, dryRun, opening) = (started.Upgrade, started.DryRun, started.Opening);
        var target = request.Target;
        var deployed = history.IsFirstInstall ? null : history.Deployed;
        var before = deployed is null ? null : new ChartSnapshot(deployed.Chart, deployed.AppVersion);
        string currentManifest = "", currentHooks = "";
        try
        {
            if (deployed is not null)
            {
                (currentManifest, currentHooks) = await helm.StoredManifestAsync(target, deployed.Revision, cancellationToken);
            }
        }
        catch (HelmCommandException e)
        {
            return (Failed(request, HelmRetry.IsTransientFailure(e.Result) ? PlanResult.Unreachable : PlanResult.Rejected, e.Message), []);
        }

        var notes = new List<string>();
        var findings = new List<Finding>();
        var render = await dryRun;
        if (!render.Succeeded && !render.Cancelled && HelmRetry.IsTransientFailure(render))
        {
            // The dry run begun beside the history read had one attempt; the cluster has answered since: now with retries.
            render = await helm.DryRunAsync(upgrade, version, server: true, cancellationToken, echo: false);
        }

        string? serverError = null;
        var templated = false;
        if (!render.Succeeded)
        {
            if (HelmRetry.IsTransientFailure(render))
            {
                return (Failed(request, PlanResult.Unreachable, "helm upgrade --dry-run=server failed: " + FirstLine(render.ErrorText)) with { Before = before, DeployedRevision = deployed?.Revision }, []);
            }

            // helm refuses what the upgrade would refuse (an object owned by another release, an API version the cluster does
            // not serve, in the chart or in the stored manifest): render without the cluster, and let the checks say why.
            serverError = FirstLine(render.ErrorText);
            render = await helm.DryRunAsync(upgrade, version, server: false, cancellationToken);
            if (!render.Succeeded && !request.ReuseValues)
            {
                render = await helm.TemplateAsync(upgrade, version, isUpgrade: deployed is not null, cancellationToken);
                templated = true;
            }

            if (!render.Succeeded)
            {
                return (Failed(request, PlanResult.Rejected, "the chart does not render: " + FirstLine(render.ErrorText)) with { Before = before, DeployedRevision = deployed?.Revision }, []);
            }

            notes.Add($"helm's server-side dry run failed ({serverError}); the plan was rendered {(templated ? "by helm template" : "with --dry-run=client")}, without the cluster (lookup finds nothing)");
        }

        IReadOnlyList<ManifestObject> current, proposed, crds;
        JsonObject? release = null;
        try
        {
            current = [.. Manifest.Parse(currentManifest, target.Namespace), .. Manifest.Parse(currentHooks, target.Namespace, hooks: true)];
            if (templated)
            {
                // helm template --include-crds: the chart's crds/ files first, which helm installs before anything else.
                var all = Manifest.Parse(render.StandardOutput, target.Namespace);
                crds = [.. all.Where(o => o.Source?.Contains("/crds/", StringComparison.Ordinal) == true)];
                proposed = [.. all.Except(crds)];
            }
            else
            {
                release = JsonNode.Parse(render.StandardOutput) as JsonObject ?? throw new FormatException("not a JSON object");
                proposed = Proposed(release, target.Namespace);
                crds = ChartCrds(release, target.Namespace);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (Failed(request, PlanResult.Rejected, "helm's dry run printed what the plan cannot read: " + e.Message), []);
        }

        var metadata = release?["chart"]?["metadata"];
        var after = release is null ? null : new ChartSnapshot($"{JsonTree.Text(metadata?["name"])}-{JsonTree.Text(metadata?["version"])}", JsonTree.Text(metadata?["appVersion"]) ?? "");
        var changes = PlanDiff.Compare(current, proposed);
        long recordBytes = 0;
        if (release is not null && PreflightChecks.Size(render.StandardOutput, out recordBytes) is { } size)
        {
            findings.Add(size);
        }

        try
        {
            var cluster = await opening; // closed by PreflightStart
            findings.AddRange(await ClusterChecksAsync(cluster, request, deployed?.Revision, current, proposed, crds, changes, cancellationToken));
        }
        catch (ClusterUnreachableException e)
        {
            return (Failed(request, PlanResult.Unreachable, "the cluster cannot be reached: " + e.Message) with { Before = before, After = after, DeployedRevision = deployed?.Revision, Changes = changes }, []);
        }

        // A warning, not a refusal: what else makes helm refuse its dry run (a pending lock the deploy clears next, a
        // permission only the dry run lacks) need not fail the upgrade, and helm's own error says so if it does.
        if (serverError is not null && !findings.Any(f => f.Severity is FindingSeverity.Blocking))
        {
            findings.Add(new Finding(
                FindingSeverity.Warning, Checks.Render, null,
                $"helm's server-side dry run failed: {serverError}; the plan was rendered without the cluster",
                "if the upgrade fails the same way, fix what the message names"));
        }

        var ordered = findings.OrderBy(f => f.Severity).ThenBy(f => f.Object).ThenBy(f => f.Check, StringComparer.Ordinal).ToList();
        var secrets = current.Concat(proposed).Where(o => PlanDiff.IsSecret(o.Key))
            .SelectMany(o => PlanDiff.SecretValues(o.Body).Values).Select(v => System.Text.Encoding.UTF8.GetString(v)).Where(v => v.Length >= MinimumMaskedLength).ToList();
        return (new DeployPlan
        {
            Release = request.Release,
            Namespace = request.Namespace,
            Chart = request.Chart,
            Result = ordered.Any(f => f.Severity is FindingSeverity.Blocking) ? PlanResult.Blocked : PlanResult.Planned,
            DeployedRevision = deployed?.Revision,
            Before = before,
            After = after,
            Changes = changes,
            Findings = ordered,
            Notes = notes,
            ReleaseBytes = recordBytes,
            Rendered = proposed,
            ProposedHooks = ProposedJobAndPodHooks(proposed),
        }, secrets);
    }

    // The rendered Job and Pod hooks, read as helm get hooks would be (JSON is YAML), for the migration guard; null when one
    // cannot be read, so that the guard does not take "none" for an answer.
    private static List<HookResource>? ProposedJobAndPodHooks(IEnumerable<ManifestObject> proposed)
    {
        try
        {
            return [.. proposed.Where(o => o.IsHook && o.Key.Kind is "Job" or "Pod").SelectMany(o => HookManifest.Parse(o.Body.ToJsonString()))];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // The chart's crds/ files (in the release's chart.files, base64): the kinds they define count as served, since helm
    // installs them before the manifest on a first install.
    private static List<ManifestObject> ChartCrds(JsonObject release, string releaseNamespace)
    {
        var crds = new List<ManifestObject>();
        foreach (var file in (release["chart"]?["files"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = JsonTree.Text(file["name"]) ?? "";
            if (!name.StartsWith("crds/", StringComparison.Ordinal) || JsonTree.Text(file["data"]) is not { } data)
            {
                continue;
            }

            try
            {
                crds.AddRange(Manifest.Parse($"# Source: {name}\n" + System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data)), releaseNamespace));
            }
            catch (FormatException)
            {
                // Not a manifest helm could install either: it says so itself.
            }
        }

        return crds;
    }

    /// <summary>The objects of a dry run's release JSON: its manifest and its hooks.</summary>
    internal static List<ManifestObject> Proposed(JsonObject release, string releaseNamespace)
    {
        var objects = new List<ManifestObject>(Manifest.Parse(JsonTree.Text(release["manifest"]) ?? "", releaseNamespace));
        foreach (var hook in (release["hooks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var text = JsonTree.Text(hook["manifest"]) ?? "";
            var path = JsonTree.Text(hook["path"]);
            objects.AddRange(Manifest.Parse(path is null ? text : $"# Source: {path}\n{text}", releaseNamespace, hooks: true));
        }

        return objects;
    }

    private static async Task<List<Finding>> ClusterChecksAsync(
        ClusterView cluster, DeployRequest request, int? revision, IReadOnlyList<ManifestObject> current, IReadOnlyList<ManifestObject> proposed,
        IReadOnlyList<ManifestObject> crds, IReadOnlyList<ObjectChange> changes, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        var rendered = proposed.Where(o => !PlanDiff.IsReleaseRecord(o)).ToList();
        bool Known(ManifestObject o) => !cluster.Unknown.Contains(o.ApiVersion);
        var definitions = rendered.Concat(crds).ToList();
        findings.AddRange(PreflightChecks.Unserved(rendered.Where(Known), cluster.Served, definitions, stored: false, request.Release, request.Namespace));

        // helm builds the objects of the stored manifest, not its hooks, before it upgrades.
        findings.AddRange(PreflightChecks.Unserved(current.Where(o => !o.IsHook && Known(o)), cluster.Served, current.Concat(definitions), stored: true, request.Release, request.Namespace, revision));

        // Every object either side names, read once, a few at a time.
        var keys = rendered.Concat(current).GroupBy(o => o.Key).Select(g => g.First()).ToList();
        var references = PreflightChecks.References(rendered);
        var referenced = references
            .Where(r => !rendered.Any(o => o.Key == new ObjectKey("", r.Kind, r.Namespace, r.Name)))
            .Select(r => new ObjectKey("", r.Kind, r.Namespace, r.Name)).Distinct()
            .Select(k => new ManifestObject(k, "v1", null, [], false, 0));
        var live = await ReadAllAsync(cluster, keys.Concat(referenced).ToList(), cancellationToken);
        var inCurrent = current.Select(o => o.Key).ToHashSet();

        // helm 3.17's --take-ownership adopts what exists; ownership is then no reason to refuse.
        var takeOwnership = request.ExtraArgs.Any(a => a == "--take-ownership" || a.StartsWith("--take-ownership=", StringComparison.Ordinal) && a != "--take-ownership=false");
        var byKey = current.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Last());
        foreach (var item in rendered.Where(o => !o.IsHook))
        {
            var found = live.GetValueOrDefault(item.Key);
            if (!inCurrent.Contains(item.Key) && !takeOwnership && PreflightChecks.Ownership(item, found, request.Release, request.Namespace) is { } owner)
            {
                findings.Add(owner);
            }

            findings.AddRange(PreflightChecks.Immutable(item, byKey.GetValueOrDefault(item.Key)?.Body, found));
        }

        var producers = rendered.Where(o => o.IsHook && o.Key.Kind is "Job" or "Pod" || o.Key.Group.Contains('.', StringComparison.Ordinal) && !o.Key.Group.EndsWith(".k8s.io", StringComparison.Ordinal))
            .Select(o => o.Key.Display).Distinct().ToList();
        foreach (var reference in references.DistinctBy(r => (r.Kind, r.Namespace, r.Name, r.Key, r.Owner)))
        {
            var key = new ObjectKey("", reference.Kind, reference.Namespace, reference.Name);
            var own = rendered.LastOrDefault(o => o.Key == key);
            IReadOnlySet<string>? renderedKeys = own is null ? null : PreflightChecks.LiveKeys(own.Body);
            if (PreflightChecks.Missing(reference, own is not null, live.GetValueOrDefault(key), renderedKeys) is { } missing)
            {
                // Something the chart renders may create it after helm has applied it: a hook that runs first, or a resource
                // an operator turns into Secrets (cert-manager's Certificate, an ExternalSecret, a SealedSecret...).
                findings.Add(missing.Severity is FindingSeverity.Blocking && producers.Count > 0
                    ? missing with
                    {
                        Severity = FindingSeverity.Warning,
                        Message = missing.Message + $", unless {string.Join(", ", producers.Take(3))} create{(producers.Count == 1 ? "s" : "")} it",
                    }
                    : missing);
            }
        }

        if (revision is { } deployedRevision)
        {
            foreach (var item in current.Where(o => !o.IsHook))
            {
                if (live.GetValueOrDefault(item.Key) is { } found)
                {
                    findings.AddRange(PreflightChecks.Drift(item, found, deployedRevision));
                }
            }
        }

        // What only the API server can say (validation, immutable fields this plan does not know, admission): each object
        // the upgrade writes, applied as a server-side dry run.
        if (await cluster.NamespaceExistsAsync(request.Namespace, cancellationToken))
        {
            var flagged = findings.Where(f => f.Severity is FindingSeverity.Blocking && f.Object is not null).Select(f => f.Object!).ToHashSet();
            var writes = changes.Where(c => !c.IsHook && c.Action is ChangeAction.Added or ChangeAction.Changed && !flagged.Contains(c.Key))
                .Select(c => rendered.Last(o => o.Key == c.Key)).ToList();
            findings.AddRange(await DryRunAllAsync(cluster, writes, cancellationToken));
        }

        return findings;
    }

    private static async Task<Dictionary<ObjectKey, JsonObject?>> ReadAllAsync(ClusterView cluster, List<ManifestObject> objects, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(Parallel);
        var reads = objects.Select(async o =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (o.Key, Live: await cluster.GetAsync(o.Key, o.ApiVersion, cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        });
        var result = new Dictionary<ObjectKey, JsonObject?>();
        foreach (var (key, found) in await Task.WhenAll(reads))
        {
            result[key] = found;
        }

        return result;
    }

    private static async Task<List<Finding>> DryRunAllAsync(ClusterView cluster, List<ManifestObject> objects, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(Parallel);
        var applies = objects.Select(async o =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (Object: o, Refusal: await cluster.DryRunApplyAsync(o, cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        });
        var findings = new List<Finding>();
        foreach (var (item, refusal) in await Task.WhenAll(applies))
        {
            if (refusal is not { } answer || answer.Status == 404)
            {
                continue;
            }

            // Server-side apply refuses two list items with one key (two env entries of one name), which helm 3's patch lets
            // through: said, not refused.
            var duplicate = answer.Message.Contains("duplicate entries for key", StringComparison.Ordinal);
            findings.Add(answer.Status is 400 or 409 or 422 && !duplicate
                ? new Finding(
                    FindingSeverity.Blocking, Checks.ServerDryRun, item.Key,
                    $"helm upgrade will fail: the API server refuses {item.Key.Display} in a server-side dry run: {answer.Message}",
                    "change the chart so the object is valid for this cluster (the message names the field)")
                : new Finding(
                    FindingSeverity.Warning, Checks.ServerDryRun, item.Key,
                    $"{item.Key.Display} could not be checked by a server-side dry run: {answer.Status} {answer.Message}",
                    "give the deploying identity permission to write this kind (a dry run needs the same rights as the upgrade)"));
        }

        return findings;
    }

    private static DeployPlan Failed(DeployRequest request, PlanResult result, string error) => new()
    {
        Release = request.Release,
        Namespace = request.Namespace,
        Chart = request.Chart,
        Result = result,
        Error = error,
    };

    private static string FirstLine(string text) => Text.TextFormat.FirstLine(text.Trim());
}
