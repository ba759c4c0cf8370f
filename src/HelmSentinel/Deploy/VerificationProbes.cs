using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;
using HelmSentinel.Verify;

namespace HelmSentinel.Deploy;

/// <summary>
/// The probes of one deploy's verify document, bound to its cluster: HTTP and Prometheus checks on a <c>service:</c> go
/// through the API server's service proxy with the kubeconfig's credentials (no route from the runner into the cluster
/// needed), a <c>url:</c> directly; a <c>helmTest</c> check runs <c>helm test</c> with the test pods' logs recorded before
/// Helm can delete them. Bearer tokens are read from the environment here, and masked by the deploy's masker.
/// </summary>
internal sealed class VerificationProbes : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private VerificationProbes(Dictionary<string, ICheckProbe> probes) => Probes = probes;

    /// <summary>The probes, by check name.</summary>
    public IReadOnlyDictionary<string, ICheckProbe> Probes { get; }

    /// <summary>Binds every check of <paramref name="spec"/> to the request's cluster.</summary>
    public static VerificationProbes Create(VerifySpec spec, DeployRequest request, HelmCli helm, HelmVersion version, SecretMasker masker)
    {
        var probes = new Dictionary<string, ICheckProbe>(StringComparer.Ordinal);
        var bound = new VerificationProbes(probes);
        ApiServerHttp? api = null;
        ApiServerHttp Api()
        {
            if (api is null)
            {
                api = ApiServerHttp.Create(request.Kubeconfig, request.KubeContext);
                bound._owned.Add(api);
            }

            return api;
        }

        HttpClient Direct()
        {
            var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            bound._owned.Add(http);
            return http;
        }

        foreach (var check in spec.Checks)
        {
            probes[check.Name] = check switch
            {
                HttpCheck http when http.Service is { } service =>
                    CheckProbes.Http(http, Api().Http, CheckProbes.ServiceProxy(Api().BaseUri, service.Namespace ?? request.Namespace, service, http.Path)),
                HttpCheck http => CheckProbes.Http(http, Direct(), http.Url!),
                PrometheusCheck prometheus when prometheus.Service is { } service =>
                    CheckProbes.Prometheus(prometheus, new PrometheusQuery(Api().Http, CheckProbes.ServiceProxy(Api().BaseUri, service.Namespace ?? request.Namespace, service, "/"))),
                PrometheusCheck prometheus => CheckProbes.Prometheus(prometheus, new PrometheusQuery(Direct(), WithSlash(prometheus.Url!), Token(prometheus))),
                HelmTestCheck test => new HelmTestProbe(test, request, helm, version, masker),
                _ => throw new ArgumentException($"check {check.Name}: no probe for a {check.Kind} check", nameof(spec)),
            };
        }

        return bound;
    }

    /// <summary>The values of the bearer-token variables the document names: secrets of the deploy.</summary>
    public static IEnumerable<string> Secrets(VerifySpec spec) =>
        spec.Checks.OfType<PrometheusCheck>().Select(Token).OfType<string>();

    /// <summary>Evaluates every Prometheus check's query once, before the upgrade, as its baseline.</summary>
    public async Task CaptureBaselinesAsync(CancellationToken cancellationToken)
    {
        foreach (var probe in Probes.Values.OfType<IBaselineProbe>())
        {
            await probe.CaptureBaselineAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private static string? Token(PrometheusCheck check) =>
        check.BearerTokenSecret is { } name && Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static Uri WithSlash(Uri url) => url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri.TrimEnd('/') + "/");

    // helm test, once: passed, or failed naming the hook and its last log lines (read before Helm deletes the pod).
    private sealed class HelmTestProbe(HelmTestCheck check, DeployRequest request, HelmCli helm, HelmVersion version, SecretMasker masker) : ICheckProbe
    {
        public async Task<CheckSample> SampleAsync(CancellationToken cancellationToken)
        {
            TestPodLogRecorder? recorder = null;
            try
            {
                recorder = await TestPodLogRecorder.StartAsync(
                    new TestPodLogOptions { Namespace = request.Namespace, Kubeconfig = request.Kubeconfig, KubeContext = request.KubeContext, Mask = masker.Mask },
                    cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Without the logs the test still runs; the report says less.
                recorder = null;
            }

            HelmProcessResult run;
            IReadOnlyList<TestPodLog> logs;
            try
            {
                run = await helm.TestAsync(request.Target, version, check.Timeout, check.Filter, cancellationToken);
            }
            finally
            {
                logs = recorder is null ? [] : await recorder.StopAsync();
            }

            var result = HelmTestResult.Parse(run);
            var suites = result.Suites.Count;
            if (result.Passed)
            {
                return new CheckSample(SampleKind.Passed, "passed", $"helm test passed ({suites} test{(suites == 1 ? "" : "s")})");
            }

            var failed = result.FailedHook ?? "a test";
            var log = logs.FirstOrDefault(l => l.Pod == failed || l.Job == failed) ?? logs.LastOrDefault(l => l.Phase != "Succeeded");
            var last = log is { Lines.Count: > 0 } ? "; last log line: " + log.Lines[^1] : "";
            var error = result.FailedHook is null && result.Error is { } e2 ? ": " + TextFormat.Cut(TextFormat.OneLine(masker.Mask(e2)), 300, "…") : "";
            return new CheckSample(SampleKind.Failed, "failed", masker.Mask($"helm test {failed} failed{error}{last}"));
        }
    }
}
