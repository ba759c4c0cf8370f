using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HelmSentinel;

/// <summary>
/// Replaces secret values with <c>***</c> in any text about to be printed. Each secret is masked in every form a
/// report, a log line or a request can carry it in (<see cref="Forms"/>): as given, trimmed, line by line when it spans
/// several lines, base64, URL-encoded, JSON-escaped, Markdown-escaped, escaped for the runners' commands and quoted
/// for a shell. Values shorter than <see cref="MinimumLength"/> characters are ignored: masking every <c>a</c> or
/// <c>no</c> would make logs unreadable without protecting anything.
/// </summary>
public sealed partial class SecretMasker
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Replacement = "***";

    /// <summary>The shortest value that is masked.</summary>
    public const int MinimumLength = 3;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// How one value is written by the places a secret can pass through on its way out. The formatters that own these
    /// escapes live in folders this one must not use (<c>Reporting/Markdown</c>, <c>Platforms/GitHub/WorkflowCommands</c>,
    /// <c>Platforms/AzureDevOps/AzureCommands</c>), so they are restated here; tests hold the two to each other.
    /// </summary>
    private static readonly (string Name, Func<string, string> Encode)[] Encodings =
    [
        ("as given", v => v),
        ("base64", v => Convert.ToBase64String(Encoding.UTF8.GetBytes(v))),
        ("URL", Uri.EscapeDataString),
        ("URL, + for spaces", v => Uri.EscapeDataString(v).Replace("%20", "+", StringComparison.Ordinal)),

        // An HTML form's encoding (WebUtility.UrlEncode): + for spaces, and *, !, ( and ) kept.
        ("URL, form", WebUtility.UrlEncode),

        // System.Text.Json's default encoder (\u0022 for ", \u003C for <, \u0027 for ', \u002B for +, non-ASCII as \uXXXX).
        ("JSON", v => JsonSerializer.Serialize(v)[1..^1]),

        // Only what JSON requires (\" \\ \n): the relaxed encoder, and what Go's %q writes for printable ASCII.
        ("JSON, minimal", v => JsonSerializer.Serialize(v, Relaxed)[1..^1]),

        // Go's encoding/json (the Kubernetes API server, helm): HTML-safe, in lower-case hex.
        ("JSON, Go", v => JsonSerializer.Serialize(v, Relaxed)[1..^1]
            .Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal)),

        // Markdown.EscapeInline line by line, the lines joined with <br> as Markdown.EscapeCell does.
        ("Markdown", MarkdownEscaped),

        // Markdown.Code: pipes escaped even inside a code span in a table.
        ("Markdown code span", v => v.Replace("|", "\\|", StringComparison.Ordinal)),

        // WorkflowCommands.EscapeData and EscapeProperty.
        ("GitHub command data", GitHubData),
        ("GitHub command property", v => GitHubData(v).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal)),

        // AzureCommands.Escape, and with the agent's %AZP25 for % (decoded when its DECODE_PERCENTS knob is on).
        ("Azure command", AzureEscaped),
        ("Azure command, %AZP25", v => AzureEscaped(v.Replace("%", "%AZP25", StringComparison.Ordinal))),

        // A command line echoed with each argument in single quotes (helm's, in the deploy log).
        ("shell single-quoted", v => v.Replace("'", "'\\''", StringComparison.Ordinal)),
    ];

    private readonly string[] _needles;

    /// <summary>Creates a masker for the given secret values; null, blank and too-short values are skipped.</summary>
    public SecretMasker(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var needles = new HashSet<string>(secrets.SelectMany(Forms), StringComparer.Ordinal);

        // Longest first, so a secret that contains another is masked whole, not in pieces; an escaped form is longer
        // than the value it escapes, so it goes before the value.
        _needles = [.. needles.OrderByDescending(n => n.Length).ThenBy(n => n, StringComparer.Ordinal)];
    }

    /// <summary>A masker with no secrets: returns every text unchanged.</summary>
    public static SecretMasker None { get; } = new([]);

    /// <summary>True when at least one value will be masked.</summary>
    public bool HasSecrets => _needles.Length > 0;

    /// <summary>The names of the encodings <see cref="Forms"/> applies, in order (as given, base64, URL, JSON, …).</summary>
    public static IReadOnlyList<string> EncodingNames { get; } = [.. Encodings.Select(e => e.Name)];

    /// <summary>Returns <paramref name="text"/> with every secret replaced by <c>***</c>; null gives an empty string.</summary>
    public string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var needle in _needles)
        {
            text = text.Replace(needle, Replacement, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// The forms of one secret that are masked. The values are the secret as given, trimmed and, when it spans several
    /// lines, each line that carries something secret (<see cref="SecretLines"/>); each value is then written in every
    /// encoding of <see cref="EncodingNames"/>: as given, base64, URL-encoded (also with <c>+</c> for spaces, and as a form),
    /// JSON-escaped (System.Text.Json's default, minimal, and Go's HTML-safe escapes), Markdown-escaped (as a table cell,
    /// <c>&lt;br&gt;</c> for line breaks, and in a code span), escaped as GitHub workflow command data and property and
    /// as Azure logging command data, and single-quoted for a shell. A multi-line secret is also masked in base64 with
    /// and without a final line break. None shorter than <see cref="MinimumLength"/>; nothing for a blank or too short value.
    /// </summary>
    public static IEnumerable<string> Forms(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Trim().Length < MinimumLength)
        {
            return [];
        }

        var values = new List<string> { secret, secret.Trim() };
        var forms = new List<string>();
        if (IsMultiLine(secret))
        {
            values.AddRange(SecretLines(secret));

            // A key file usually ends with a line break that a pasted value lacks (or the other way round).
            var body = secret.TrimEnd('\r', '\n');
            forms.Add(Base64(body));
            forms.Add(Base64(body + "\n"));
        }

        forms.InsertRange(0, values.Distinct(StringComparer.Ordinal).SelectMany(v => Encodings.Select(e => e.Encode(v))));
        return forms.Where(f => f.Length >= MinimumLength && !string.IsNullOrWhiteSpace(f)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The lines of a multi-line secret that carry something secret, each as given (without its <c>\r</c>) and trimmed:
    /// not blank lines, not lines shorter than <see cref="MinimumLength"/> once trimmed, and not the armour of a PEM block
    /// (<c>-----BEGIN …-----</c>, <c>-----END …-----</c>), which every key of that kind shares. Empty for a single line.
    /// </summary>
    public static IReadOnlyList<string> SecretLines(string? secret)
    {
        if (secret is null || !IsMultiLine(secret))
        {
            return [];
        }

        var lines = new List<string>();
        foreach (var line in secret.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            var trimmed = line.Trim();
            if (trimmed.Length >= MinimumLength && !IsPemArmor(trimmed))
            {
                lines.Add(line);
                lines.Add(trimmed);
            }
        }

        return [.. lines.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>True for the first or last line of a PEM block: <c>-----BEGIN RSA PRIVATE KEY-----</c>, <c>-----END CERTIFICATE-----</c>.</summary>
    public static bool IsPemArmor(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return PemArmor().IsMatch(line.Trim());
    }

    /// <summary>
    /// What an entry point registers with its runner (GitHub's <c>::add-mask::</c>, Azure's <c>task.setsecret</c>) before
    /// anything prints. Runners mask line by line, so only single-line values are registered: each single-line secret
    /// as given, however short, then every single-line form of every secret (<see cref="Forms"/>: for a multi-line one,
    /// each of its <see cref="SecretLines"/> in every encoding, and the encodings that keep it on one line). Blank values
    /// and duplicates are left out.
    /// </summary>
    public static IReadOnlyList<string> RunnerValues(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return [.. secrets
            .SelectMany(s => IsMultiLine(s) ? Forms(s) : Forms(s).Prepend(s))
            .Where(v => !string.IsNullOrWhiteSpace(v) && !IsMultiLine(v))
            .Distinct(StringComparer.Ordinal)];
    }

    private static bool IsMultiLine(string? value) =>
        value is not null && (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal));

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string MarkdownEscaped(string value)
    {
        var lines = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        return string.Join("<br>", lines.Select(line =>
        {
            var builder = new StringBuilder(line.Length);
            foreach (var c in line)
            {
                if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '~' or '&')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }

            return builder.ToString();
        }));
    }

    private static string GitHubData(string value) => value
        .Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);

    private static string AzureEscaped(string value) => value
        .Replace(";", "%3B", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal)
        .Replace("]", "%5D", StringComparison.Ordinal);

    [GeneratedRegex("^-----(BEGIN|END) [A-Z0-9 ]+-----$")]
    private static partial Regex PemArmor();
}
