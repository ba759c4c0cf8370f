using System.Globalization;
using System.Text.Json;

namespace HelmSentinel.Helm;

/// <summary>
/// A release's revisions as <c>helm history -o json</c> prints them (Helm 3 and 4), oldest first, with the
/// questions the engine asks of them: which revision is live, which is the rollback target, is a lock held.
/// </summary>
public sealed class ReleaseHistory
{
    /// <summary>Creates a history from entries in any order; they are kept sorted by revision, oldest first.</summary>
    public ReleaseHistory(IEnumerable<HistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries.OrderBy(e => e.Revision)];
    }

    /// <summary>No revisions: the release does not exist (helm answered <c>release: not found</c>).</summary>
    public static ReleaseHistory Empty { get; } = new([]);

    /// <summary>The revisions, sorted by revision number, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> Entries { get; }

    /// <summary>The newest revision, whatever its status; null when there is none.</summary>
    public HistoryEntry? Latest => Entries.Count == 0 ? null : Entries[^1];

    /// <summary>
    /// The rollback target, chosen as Helm's own atomic rollback chooses it: the highest revision that is
    /// <c>deployed</c> or <c>superseded</c>. A failed or pending revision is never chosen.
    /// </summary>
    public HistoryEntry? LastGood => Entries.LastOrDefault(e => e.IsGood);

    /// <summary>The newest <c>deployed</c> revision (after a concurrency bug there can be several; Helm takes the newest).</summary>
    public HistoryEntry? Deployed => Entries.LastOrDefault(e => e.Status == ReleaseStatus.Deployed);

    /// <summary>
    /// The newest revision when it is <c>pending-*</c>, i.e. a lock that makes <c>helm upgrade</c> refuse with
    /// "another operation is in progress". Helm checks only the last revision, and so does this.
    /// </summary>
    public HistoryEntry? PendingLock => Latest is { IsPending: true } latest ? latest : null;

    /// <summary>True when <c>upgrade --install</c> will take the install path: no revisions, or the newest is <c>uninstalled</c>.</summary>
    public bool IsFirstInstall => Latest is null || Latest.Status == ReleaseStatus.Uninstalled;

    /// <summary>True when revisions exist but none is <c>deployed</c> or <c>superseded</c>: nothing to roll back to.</summary>
    public bool OnlyFailed => Entries.Count > 0 && LastGood is null;

    /// <summary>Parses the output of <c>helm history RELEASE -o json</c> of Helm 3 or 4.</summary>
    /// <param name="json">The JSON array; <c>updated</c> may be absent (Helm 4) or <c>""</c> (Helm 3) for a zero time.</param>
    /// <exception cref="FormatException">The text is not such an array, or an entry lacks a revision or status.</exception>
    public static ReleaseHistory Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("'helm history -o json' printed nothing; expected a JSON array of revisions.");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException(
                    $"'helm history -o json' printed a JSON {root.ValueKind.ToString().ToLowerInvariant()}; expected an array of revisions.");
            }

            var entries = new List<HistoryEntry>();
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                entries.Add(ParseEntry(element, index++));
            }

            return new ReleaseHistory(entries);
        }
        catch (JsonException e)
        {
            throw new FormatException($"'helm history -o json' printed invalid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A lone surrogate: the text cannot be turned into the UTF-8 the JSON reader reads.
            throw new FormatException($"'helm history -o json' printed text that is not valid Unicode: {e.Message}", e);
        }
    }

    /// <summary>
    /// Parses a Go <c>time.Time</c> as JSON prints it (RFC 3339 with up to nine fractional digits, <c>Z</c> or an
    /// offset). Fractions beyond .NET's seven digits are truncated. Blank text gives null.
    /// </summary>
    /// <exception cref="FormatException">The text is not an RFC 3339 time.</exception>
    public static DateTimeOffset? ParseGoTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalized = TruncateFraction(text.Trim());
        if (DateTimeOffset.TryParseExact(
                normalized,
                ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
                CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces,
                out var value))
        {
            return value;
        }

        throw new FormatException($"'{text}' is not an RFC 3339 time such as 2024-01-02T03:04:05.123456789Z.");
    }

    private static HistoryEntry ParseEntry(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"'helm history -o json' entry #{index + 1} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}; expected an object.");
        }

        var revision = ReadRevision(element, index);
        var status = ReadString(element, "status");
        if (string.IsNullOrEmpty(status))
        {
            throw new FormatException($"'helm history -o json' revision {revision} has no status.");
        }

        DateTimeOffset? updated;
        try
        {
            updated = ParseGoTime(ReadString(element, "updated"));
        }
        catch (FormatException e)
        {
            throw new FormatException($"'helm history -o json' revision {revision}: {e.Message}", e);
        }

        return new HistoryEntry(
            revision,
            updated,
            status,
            ReadString(element, "chart") ?? string.Empty,
            ReadString(element, "app_version") ?? string.Empty,
            ReadString(element, "description") ?? string.Empty);
    }

    private static int ReadRevision(JsonElement element, int index)
    {
        if (element.TryGetProperty("revision", out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            {
                return number;
            }

            // helm list prints revisions as strings; accept that shape too.
            if (value.ValueKind == JsonValueKind.String &&
                int.TryParse(StringOf(value, "revision"), NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }
        }

        throw new FormatException($"'helm history -o json' entry #{index + 1} has no whole-number revision.");
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? StringOf(value, name) : null;

    // GetString throws for an escaped lone surrogate ("\ud800"), which Go's encoder never writes.
    private static string? StringOf(JsonElement value, string name)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"'helm history -o json' printed a {name} that is not valid Unicode: {e.Message}", e);
        }
    }

    // "2024-01-02T03:04:05.123456789Z" -> "2024-01-02T03:04:05.1234567Z": .NET keeps 7 fractional digits.
    private static string TruncateFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 <= 7 ? text : string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
    }
}
