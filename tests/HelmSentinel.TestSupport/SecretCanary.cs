using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HelmSentinel.TestSupport;

/// <summary>One form of one secret found in one channel.</summary>
/// <param name="Channel">Where: <c>stdout</c>, <c>$GITHUB_STEP_SUMMARY</c>, <c>POST /repos/acme/shop/issues/7/comments</c>, …</param>
/// <param name="Secret">Which secret (its number among the canary's secrets and its first characters).</param>
/// <param name="Form">How it was written: <c>raw</c>, <c>base64</c>, <c>JSON-escaped</c>, <c>line 2, URL-encoded</c>, <c>fragment</c>, …</param>
/// <param name="Offset">Where in the channel's text.</param>
/// <param name="Context">The text around it.</param>
public sealed record SecretLeak(string Channel, string Secret, string Form, int Offset, string Context)
{
    public override string ToString() => $"{Channel}: {Secret} leaked {Form} at offset {Offset.ToString(CultureInfo.InvariantCulture)}: «{Context}»";
}

/// <summary>
/// Looks for secrets where they must never be. Given the secrets of a run, it finds in any text each secret raw and
/// in the forms a channel could carry it in: base64, URL-encoded (also with <c>+</c> for spaces, and as an HTML form),
/// JSON-escaped (System.Text.Json's default, minimal and Go's HTML-safe escapes), Markdown-escaped (as the reports escape
/// it, with <c>&lt;br&gt;</c> for line breaks, and with every ASCII punctuation escaped), HTML-escaped, escaped for the
/// runners' commands (GitHub's <c>%25</c>/<c>%0A</c>/<c>%3A</c>/<c>%2C</c>, Azure's <c>%3B</c>/<c>%5D</c>/<c>%AZP25</c>)
/// and single-quoted for a shell; the same for each line of a multi-line secret (not its PEM armour, blank or short
/// lines); and any 12 characters in a row of a longer secret or line (a secret cut short before it was masked).
/// </summary>
/// <remarks>
/// Written apart from <c>SecretMasker</c> on purpose: a check that derived its forms from the masker would pass
/// whatever the masker missed.
/// </remarks>
public sealed partial class SecretCanary
{
    /// <summary>How many characters in a row of a secret count as a fragment of it.</summary>
    public const int FragmentLength = 12;

    private static readonly JsonSerializerOptions Minimal = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Name, Func<string, string> Write)[] Encodings =
    [
        ("raw", s => s),
        ("base64", s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s))),
        ("URL-encoded", Uri.EscapeDataString),
        ("URL-encoded, + for spaces", s => Uri.EscapeDataString(s).Replace("%20", "+", StringComparison.Ordinal)),
        ("form-encoded", WebUtility.UrlEncode),
        ("JSON-escaped", s => JsonSerializer.Serialize(s)[1..^1]),
        ("JSON-escaped (minimal)", s => JsonSerializer.Serialize(s, Minimal)[1..^1]),
        ("JSON-escaped (Go)", GoJson),
        ("Markdown-escaped", s => string.Join("<br>", LinesOf(s).Select(l => Escape(l, @"\`*_[]<>|#~&")))),
        ("Markdown-escaped (all punctuation)", s => string.Join("<br>", LinesOf(s).Select(l => Escape(l, AsciiPunctuation)))),
        ("Markdown code span", s => s.Replace("|", "\\|", StringComparison.Ordinal)),
        ("HTML-escaped", WebUtility.HtmlEncode),
        ("GitHub command-escaped", GitHubData),
        ("GitHub property-escaped", s => GitHubData(s).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal)),
        ("Azure command-escaped", s => Azure(s)),
        ("Azure command-escaped (%AZP25)", s => Azure(s.Replace("%", "%AZP25", StringComparison.Ordinal))),
        ("shell-quoted", s => s.Replace("'", "'\\''", StringComparison.Ordinal)),
    ];

    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private readonly List<(int Secret, string Form, string Needle)> _needles = [];

    /// <summary>A canary for <paramref name="secrets"/>; blank values and values shorter than three characters are left out.</summary>
    public SecretCanary(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        Secrets = [.. secrets.Where(s => !string.IsNullOrWhiteSpace(s) && s.Trim().Length >= SecretMasker.MinimumLength).Distinct(StringComparer.Ordinal)];
        for (var i = 0; i < Secrets.Count; i++)
        {
            var secret = Secrets[i];
            var values = new List<(string Name, string Value)> { ("", secret), ("trimmed, ", secret.Trim()) };
            var lines = LinesOf(secret);
            if (lines.Count > 1)
            {
                for (var n = 0; n < lines.Count; n++)
                {
                    var line = lines[n].Trim();
                    if (line.Length >= SecretMasker.MinimumLength && !Armour().IsMatch(line))
                    {
                        values.Add(($"line {(n + 1).ToString(CultureInfo.InvariantCulture)}, ", line));
                    }
                }

                values.Add(("without its last line break, ", secret.TrimEnd('\r', '\n')));
                values.Add(("with a last line break, ", secret.TrimEnd('\r', '\n') + "\n"));
            }

            foreach (var (name, value) in values)
            {
                foreach (var (form, write) in Encodings)
                {
                    Add(i, name + form, write(value));
                }

                // A secret or line cut short: any FragmentLength characters of it in a row.
                if (!value.Contains('\n', StringComparison.Ordinal) && value.Length > FragmentLength + 3)
                {
                    for (var start = 0; start + FragmentLength <= value.Length; start++)
                    {
                        Add(i, name + "fragment", value.Substring(start, FragmentLength));
                    }
                }
            }
        }
    }

    /// <summary>The secrets looked for.</summary>
    public IReadOnlyList<string> Secrets { get; }

    /// <summary>The names of the forms each secret (and each line of it) is looked for in.</summary>
    public static IReadOnlyList<string> FormNames { get; } = [.. Encodings.Select(e => e.Name), "fragment"];

    /// <summary>Every leak in <paramref name="text"/>: the longest form found at each place, fragments only where no whole
    /// form was found.</summary>
    public IReadOnlyList<SecretLeak> Find(string channel, string? text)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var leaks = new List<SecretLeak>();
        if (string.IsNullOrEmpty(text))
        {
            return leaks;
        }

        var covered = new List<(int Start, int End)>();
        foreach (var (secret, form, needle) in _needles.OrderBy(n => n.Form.EndsWith("fragment", StringComparison.Ordinal) ? 1 : 0).ThenByDescending(n => n.Needle.Length))
        {
            for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
            {
                var end = at + needle.Length;
                if (covered.Any(c => at < c.End && end > c.Start))
                {
                    continue;
                }

                covered.Add((at, end));
                var from = Math.Max(0, at - 20);
                var to = Math.Min(text.Length, end + 20);
                leaks.Add(new SecretLeak(channel, Label(secret), form, at, text[from..to].Replace("\n", "\\n", StringComparison.Ordinal)));
            }
        }

        return [.. leaks.OrderBy(l => l.Offset)];
    }

    /// <summary>Every leak in every channel.</summary>
    public IReadOnlyList<SecretLeak> Find(IEnumerable<(string Channel, string? Text)> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return [.. channels.SelectMany(c => Find(c.Channel, c.Text))];
    }

    private string Label(int secret)
    {
        var value = Secrets[secret].Trim();
        return $"secret #{(secret + 1).ToString(CultureInfo.InvariantCulture)} ({value[..Math.Min(4, value.Length)]}…)";
    }

    private void Add(int secret, string form, string needle)
    {
        if (needle.Length >= SecretMasker.MinimumLength && !string.IsNullOrWhiteSpace(needle) && !_needles.Any(n => n.Secret == secret && n.Needle == needle))
        {
            _needles.Add((secret, form, needle));
        }
    }

    private static List<string> LinesOf(string text) => [.. text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n')];

    private static string Escape(string text, string special)
    {
        var builder = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            if (special.Contains(c, StringComparison.Ordinal))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    // Go's encoding/json string escaping, as the Kubernetes API server and helm write JSON.
    private static string GoJson(string text)
    {
        var builder = new StringBuilder(text.Length * 2);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static string GitHubData(string text) =>
        text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Azure(string text) => text
        .Replace(";", "%3B", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal)
        .Replace("]", "%5D", StringComparison.Ordinal);

    [GeneratedRegex("^-----(BEGIN|END) [A-Z0-9 ]+-----$")]
    private static partial Regex Armour();
}
