using System.Globalization;
using System.Text;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>The migration hooks of a deploy in the text and Markdown reports: one line each, then its pod's last log lines.</summary>
internal static class MigrationHookLines
{
    /// <summary><c>Job/web-migrate (pre-upgrade): completed, exit code 0, pod web-migrate-x1</c>.</summary>
    public static string Describe(MigrationHookRun run, SecretMasker masker)
    {
        var state = run.Completed ? "completed" : run.Ended is null ? "did not end while watched" : "failed";
        var text = new StringBuilder(run.Hook);
        if (run.Events.Count > 0)
        {
            text.Append(" (").Append(string.Join(", ", run.Events)).Append(')');
        }

        text.Append(": ").Append(state);
        if (run.ExitCode is { } code)
        {
            text.Append(", exit code ").Append(code.ToString(CultureInfo.InvariantCulture));
        }

        if (run.Pod is { } pod)
        {
            text.Append(", pod ").Append(pod);
        }

        return TextFormat.OneLine(masker.Mask(text.ToString()));
    }

    /// <summary>The plain-text section: <c>migration hooks:</c>, a line per hook, its log lines indented.</summary>
    public static void AppendText(StringBuilder text, IReadOnlyList<MigrationHookRun> runs, SecretMasker masker)
    {
        if (runs.Count == 0)
        {
            return;
        }

        text.Append("migration hooks:\n");
        foreach (var run in runs)
        {
            text.Append("  - ").Append(Describe(run, masker)).Append('\n');
            foreach (var line in run.LastLogLines)
            {
                text.Append("      | ").Append(TextFormat.OneLine(masker.Mask(line))).Append('\n');
            }
        }
    }

    /// <summary>The Markdown section: <c>#### Migration hooks</c>, a bullet per hook, its log lines fenced.</summary>
    public static void AppendMarkdown(StringBuilder md, IReadOnlyList<MigrationHookRun> runs, SecretMasker masker)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.Append("#### Migration hooks\n\n");
        foreach (var run in runs)
        {
            md.Append(Markdown.Bullet(Describe(run, masker)));
        }

        md.Append('\n');
        foreach (var run in runs.Where(r => r.LastLogLines.Count > 0))
        {
            md.Append("Last log lines of ").Append(Markdown.Code(run.Pod ?? run.Hook)).Append(":\n\n")
                .Append(Markdown.Fence(string.Join('\n', run.LastLogLines.Select(masker.Mask))));
        }
    }
}
