using HelmSentinel.Deploy;
using HelmSentinel.Plan;
using System.Text.RegularExpressions;

namespace HelmSentinel.Reporting;

/// <summary>The changes a reader looks for first: images, replicas, resource requests and limits. Pure.</summary>
public static partial class PlanHeadlines
{
    /// <summary>One line per image, replica count and resource change, e.g. <c>Deployment/web container web: image nginx:1.16 → nginx:1.17</c>.</summary>
    public static IReadOnlyList<string> Of(DeployPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var lines = new List<string>();
        if (plan.Before is { } before && plan.After is { } after && (before.Chart != after.Chart || before.AppVersion != after.AppVersion))
        {
            lines.Add($"chart {before.Chart} → {after.Chart}" + (before.AppVersion != after.AppVersion ? $", app version {Show(before.AppVersion)} → {Show(after.AppVersion)}" : ""));
        }

        foreach (var change in plan.Changes.Where(c => c.Action is ChangeAction.Changed))
        {
            foreach (var field in change.Fields)
            {
                var container = Container().Match(field.Path);
                if (container.Success && field.Path.EndsWith(".image", StringComparison.Ordinal))
                {
                    lines.Add($"{change.Key.Display} container {container.Groups[1].Value}: image {Show(field.Before)} → {Show(field.After)}");
                }
                else if (container.Success && field.Path.Contains(".resources", StringComparison.Ordinal))
                {
                    lines.Add($"{change.Key.Display} container {container.Groups[1].Value}: {field.Path[(field.Path.IndexOf(".resources", StringComparison.Ordinal) + 1)..]} {Show(field.Before)} → {Show(field.After)}");
                }
                else if (field.Path == "spec.replicas")
                {
                    lines.Add($"{change.Key.Display}: replicas {Show(field.Before)} → {Show(field.After)}");
                }
            }
        }

        return lines;
    }

    /// <summary>Counts per kind: <c>(kind, added, changed, removed, unchanged)</c>, in kind order.</summary>
    public static IReadOnlyList<(string Kind, int Added, int Changed, int Removed, int Unchanged)> ByKind(DeployPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return [.. plan.Changes.GroupBy(c => c.Key.Kind + (c.IsHook ? " (hook)" : "")).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (
            g.Key,
            g.Count(c => c.Action is ChangeAction.Added),
            g.Count(c => c.Action is ChangeAction.Changed),
            g.Count(c => c.Action is ChangeAction.Removed),
            g.Count(c => c.Action is ChangeAction.Unchanged)))];
    }

    private static string Show(string? value) => value is null ? "(unset)" : value.Length == 0 ? "(empty)" : value;

    [GeneratedRegex(@"[cC]ontainers\[name=([^\]]+)\]")]
    private static partial Regex Container();
}
