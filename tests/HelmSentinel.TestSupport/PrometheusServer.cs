using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace HelmSentinel.TestSupport;

/// <summary>
/// A real Prometheus (the pinned <see cref="Tools.Prometheus"/>) for one test class: a generated prometheus.yml and a
/// TSDB in a temp folder, listening on a free 127.0.0.1 port, scraping its targets every second. Its output is kept
/// for failure messages; it is stopped (SIGTERM, then killed after 2 s) and its folder deleted on dispose.
/// </summary>
/// <remarks>Measured with 2.42: ready about 0.1 s after start, but the first scrape lands about 5 s after start even
/// with a 1 s interval, so wait for samples with <see cref="WaitForSamplesAsync"/>, never with a sleep.</remarks>
public sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>How long a start may take until <c>/-/ready</c> answers 200.</summary>
    public static readonly TimeSpan ReadyPatience = TimeSpan.FromSeconds(30);

    /// <summary>How long one server may live: a test that never disposes it cannot leave it running past this.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);
    private const int OutputLines = 200;
    private const int PortAttempts = 3;

    private readonly Process _process;
    private readonly string _folder;
    private readonly Queue<string> _output;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenRegistration _watchdog;
    private int _disposed;

    private PrometheusServer(Process process, string folder, Queue<string> output, Uri baseAddress)
    {
        _process = process;
        _folder = folder;
        _output = output;
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        _lifetime = new CancellationTokenSource(Lifetime);
        _watchdog = _lifetime.Token.Register(() => Kill("it outlived its " + Lifetime.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min lifetime"));
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The prometheus.yml it runs with.</summary>
    public string ConfigPath => Path.Combine(_folder, "prometheus.yml");

    /// <summary>The last lines prometheus wrote (stdout and stderr, as they came).</summary>
    public string Output => Snapshot(_output);

    /// <summary>Writes the config for <paramref name="targets"/>, starts prometheus and waits until it is ready.
    /// A config it rejects, a port taken meanwhile (after three tries), an exit or no readiness within
    /// <see cref="ReadyPatience"/> throws, with its output.</summary>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<ScrapeTarget> targets, CancellationToken ct = default)
    {
        var binary = Tools.Prometheus;
        var yaml = PrometheusConfig.Yaml(targets);
        for (var attempt = 1; ; attempt++)
        {
            var folder = Directory.CreateTempSubdirectory("helm-sentinel-prometheus-").FullName;
            await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), yaml, ct);
            var port = FreeLoopbackPort();
            var output = new Queue<string>();
            var process = Start(binary, folder, port, output);
            var server = new PrometheusServer(process, folder, output, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
            try
            {
                await server.WaitUntilReadyAsync(ct);
                return server;
            }
            catch (PortTakenException) when (attempt < PortAttempts)
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>An instant query (POST <c>/api/v1/query</c>, form-encoded) at the server's current time; the raw JSON of
    /// a 200 answer. Any other answer throws with its status, its body and prometheus's output.</summary>
    public async Task<string> QueryAsync(string promql, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(promql);
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("query", promql)]);
        using var response = await _http.PostAsync(new Uri("api/v1/query", UriKind.Relative), form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException(
                $"Query {promql} answered {(int)response.StatusCode} {response.StatusCode}: {body}\nprometheus output:\n{Output}");
        }

        return body;
    }

    /// <summary>Repeats <paramref name="promql"/> every 200 ms until its result holds at least <paramref name="minSamples"/>
    /// samples (a vector: its series; a matrix, from a range selector like <c>x[1m]</c>: its values over all series; a
    /// scalar: one), then returns that answer's JSON. Throws after <paramref name="patience"/> (default 30 s) with the
    /// last answer, the targets' scrape state and prometheus's output.</summary>
    /// <remarks>A filter makes it a condition: <c>WaitForSamplesAsync("x == 3", 1)</c> waits until x was scraped as 3.</remarks>
    public async Task<string> WaitForSamplesAsync(string promql, int minSamples = 1, TimeSpan? patience = null, CancellationToken ct = default)
    {
        var deadline = Stopwatch.StartNew();
        var limit = patience ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            var json = await QueryAsync(promql, ct);
            if (CountSamples(json) >= minSamples)
            {
                return json;
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException(
                    $"Query {promql} had fewer than {minSamples} samples after {limit}. Last answer: {json}\n" +
                    $"targets: {await TargetsAsync(ct)}\nprometheus output:\n{Output}");
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>Number of samples in a query answer's <c>data.result</c> (see <see cref="WaitForSamplesAsync"/>).</summary>
    public static int CountSamples(string queryJson)
    {
        using var document = JsonDocument.Parse(queryJson);
        var data = document.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => result.GetArrayLength(),
            "matrix" => result.EnumerateArray().Sum(series => series.GetProperty("values").GetArrayLength()),
            _ => 1,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _watchdog.DisposeAsync();
        if (!_process.HasExited)
        {
            await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Kill("it did not stop within " + StopGrace.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s of SIGTERM");
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
        _http.Dispose();
        _lifetime.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Only a leftover in temp; a failing test has already said what went wrong.
        }
    }

    private static Process Start(string binary, string folder, int port, Queue<string> output)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in Arguments(folder, port))
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The command line: everything under the temp folder, listening on loopback only.</summary>
    public static IReadOnlyList<string> Arguments(string folder, int port) =>
    [
        "--config.file=" + Path.Combine(folder, "prometheus.yml"),
        "--storage.tsdb.path=" + Path.Combine(folder, "data"),
        "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
    ];

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(ct); // drains the output readers
                var output = Output;
                if (output.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw new PortTakenException();
                }

                throw new InvalidOperationException(
                    $"prometheus exited with {_process.ExitCode} before it was ready (config {ConfigPath}):\n{output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (started.Elapsed > ReadyPatience)
            {
                throw new TimeoutException($"prometheus at {BaseAddress} was not ready within {ReadyPatience}:\n{Output}");
            }

            await Task.Delay(50, ct);
        }
    }

    private async Task<string> TargetsAsync(CancellationToken ct)
    {
        try
        {
            return await _http.GetStringAsync(new Uri("api/v1/targets", UriKind.Relative), ct);
        }
        catch (HttpRequestException e)
        {
            return "(unavailable: " + e.Message + ")";
        }
    }

    private void Kill(string why)
    {
        try
        {
            if (!_process.HasExited)
            {
                Keep(_output, $"[test support] killed prometheus: {why}");
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Keep(Queue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            if (output.Count > OutputLines)
            {
                output.Dequeue();
            }
        }
    }

    private static string Snapshot(Queue<string> output)
    {
        lock (output)
        {
            return string.Join('\n', output);
        }
    }

    private sealed class PortTakenException : Exception;
}
