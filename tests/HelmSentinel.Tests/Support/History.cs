using System.Globalization;
using System.Text.Json;

namespace HelmSentinel.Tests.Support;

/// <summary>Builds <c>helm history -o json</c> text as Helm prints it (compact, oldest first).</summary>
internal static class History
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static string Json(params (int Revision, string Status, string Description, TimeSpan Age)[] entries) =>
        JsonSerializer.Serialize(entries.Select(e => new Dictionary<string, object>
        {
            ["revision"] = e.Revision,
            ["updated"] = (Now - e.Age).ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "Z",
            ["status"] = e.Status,
            ["chart"] = $"web-1.{e.Revision}.0",
            ["app_version"] = $"1.{e.Revision}",
            ["description"] = e.Description,
        })) + "\n";

    public static (int, string, string, TimeSpan) Rev(int revision, string status, string description = "Upgrade complete", double minutesAgo = 60) =>
        (revision, status, description, TimeSpan.FromMinutes(minutesAgo));
}

/// <summary>A deploy log that keeps every line for assertions.</summary>
public sealed class RecordingLog : HelmSentinel.IDeployLog
{
    public List<string> Lines { get; } = [];

    public void Info(string message) => Lines.Add(message);

    public void Warning(string message) => Lines.Add("warning: " + message);

    public void Error(string message) => Lines.Add("error: " + message);

    public IDisposable Group(string title)
    {
        Lines.Add("group: " + title);
        return new Scope(this);
    }

    private sealed class Scope(RecordingLog log) : IDisposable
    {
        public void Dispose() => log.Lines.Add("endgroup");
    }
}
