using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Drift;

namespace HelmSentinel.Reporting;

/// <summary>The reports' "Not reverted by a rollback" section: each ConfigMap and Secret outside the release that its pods
/// read (kind, name, class, owner or manager, fingerprint), and, after a rollback, what changed since its target. Only
/// fingerprints are shown, never data. Left out when there is none.</summary>
public static class NotReverted
{
    /// <summary>The section's title.</summary>
    public const string Title = "Not reverted by a rollback";

    /// <summary>Appends the text section (<c>not reverted by a rollback:</c> and one line each).</summary>
    public static void AppendText(StringBuilder text, DeployOutcome outcome, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);
        var items = Items(outcome);
        if (items.Count == 0)
        {
            return;
        }

        text.Append("not reverted by a rollback:\n");
        foreach (var (item, change) in items)
        {
            var line = $"{item.Display}{Where(item, outcome)}: {item.ClassText}{Fingerprint(item, code: false)}{Change(change, code: false)}";
            text.Append("  - ").Append(Text.TextFormat.OneLine(masker.Mask(line))).Append('\n');
        }
    }

    /// <summary>Appends the Markdown section: a table (the fingerprint cell holds only code spans, numbers and fixed words).</summary>
    public static void AppendMarkdown(StringBuilder md, DeployOutcome outcome, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);
        var items = Items(outcome);
        if (items.Count == 0)
        {
            return;
        }

        md.Append("#### ").Append(Title).Append("\n\n| Kind | Name | Class | Owner / manager | Fingerprint |\n|---|---|---|---|---|\n");
        foreach (var (item, change) in items)
        {
            var @class = item.Class switch
            {
                ConfigClass.OtherRelease => "owned by another release",
                ConfigClass.Unmanaged => "unmanaged",
                ConfigClass.Missing => item.Optional ? "missing (optional)" : "missing",
                _ => "unreadable",
            };
            md.Append("| ").Append(item.Kind)
                .Append(" | ").Append(Markdown.Code(item.Name)).Append(Cell(Where(item, outcome), masker))
                .Append(" | ").Append(@class)
                .Append(" | ").Append(Cell(item.Owner ?? "", masker))
                .Append(" | ").Append((Fingerprint(item, code: true).TrimStart(';', ' ') is { Length: > 0 } f ? f : "—") + Change(change, code: true))
                .Append(" |\n");
        }

        md.Append('\n');
    }

    private static List<(ExternalConfigObject Item, ConfigChange? Change)> Items(DeployOutcome outcome) =>
        [.. outcome.ExternalConfig.Where(o => o.NotReverted).Select(o => (o, outcome.ConfigChanges.FirstOrDefault(c => c.Kind == o.Kind && c.Namespace == o.Namespace && c.Name == o.Name)))];

    private static string Where(ExternalConfigObject item, DeployOutcome outcome) => item.Namespace == outcome.Namespace ? "" : $" (namespace {item.Namespace})";

    private static string Fingerprint(ExternalConfigObject item, bool code) => item.Fingerprint is not { } f
        ? ""
        : "; " + (code ? Markdown.Code(f.Short) : f.Short) + (f.ResourceVersion is { } rv ? $" (resourceVersion {(code ? Markdown.EscapeCell(rv) : rv)})" : "");

    private static string Change(ConfigChange? change, bool code)
    {
        string C(ConfigFingerprint? f) => f is null ? "missing" : code ? Markdown.Code(f.Short) : f.Short;
        return change switch
        {
            null => "",
            { Change: ConfigChangeKind.Changed } => $"; changed since revision {change.Revision} (recorded {C(change.Recorded)}, now {C(change.Now)})",
            { Change: ConfigChangeKind.Created } => $"; created since revision {change.Revision} (now {C(change.Now)})",
            _ => $"; deleted since revision {change.Revision} (recorded {C(change.Recorded)})",
        };
    }

    private static string Cell(string value, SecretMasker masker) => Markdown.EscapeCell(Text.TextFormat.OneLine(masker.Mask(value)));
}
