using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Tests.Api;

/// <summary>A started simulator and an HTTP client to it, for tests that speak the API directly.</summary>
public sealed class SimulatorHttp : IAsyncLifetime
{
    public KubeSimulator Simulator { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await KubeSimulator.StartAsync();
        Http = new HttpClient { BaseAddress = Simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }

    /// <summary>Sends a request (an empty <paramref name="userAgent"/>: none) and buffers the answer.</summary>
    public async Task<HttpResponseMessage> SendAsync(string method, string path, string body, string contentType = "application/json", string userAgent = "")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method != "GET")
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (userAgent.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async Task<JsonObject> JsonAsync(string method, string path, string body, string contentType = "application/json", string userAgent = "") =>
        await ReadJsonAsync(await SendAsync(method, path, body, contentType, userAgent));

    public async Task<JsonObject> GetAsync(string path) => await ReadJsonAsync(await SendAsync("GET", path, string.Empty));

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>The watch events of <paramref name="path"/> (a watch URL) until <paramref name="until"/> holds for one, at most 10 s.</summary>
    public async Task<List<JsonObject>> WatchUntilAsync(string path, Func<JsonObject, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<JsonObject>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            var e = JsonNode.Parse(line)!.AsObject();
            events.Add(e);
            if (until(e))
            {
                break;
            }
        }

        return events;
    }

    /// <summary>The managedFields entry of <paramref name="obj"/> for a manager and operation, or null.</summary>
    public static JsonObject? Entry(JsonObject obj, string manager, string operation = "Update") =>
        (obj["metadata"]!["managedFields"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(e => e["manager"]!.GetValue<string>() == manager && e["operation"]!.GetValue<string>() == operation);
}
