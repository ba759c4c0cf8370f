using HelmSentinel.Simulator.Storage;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>One ReplicaSet as the rolling-update arithmetic sees it.</summary>
/// <param name="Spec">Desired replicas (<c>spec.replicas</c>).</param>
/// <param name="Available">Available replicas (<c>status.availableReplicas</c>).</param>
internal readonly record struct ReplicaCounts(int Spec, int Available);

/// <summary>
/// The arithmetic of a Deployment rolling update, as the Kubernetes deployment controller does it:
/// resolve maxSurge/maxUnavailable, how far the new ReplicaSet may grow, how far old ones may shrink.
/// </summary>
internal static class RolloutMath
{
    /// <summary>
    /// An int-or-percent against <paramref name="total"/>: percentages round up when
    /// <paramref name="roundUp"/> (surge) and down otherwise (unavailable).
    /// </summary>
    /// <exception cref="FormatException">Neither an integer nor a percentage.</exception>
    public static int Scaled(JsonNode? value, int total, bool roundUp)
    {
        if (value is null)
        {
            return 0;
        }

        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return (int)JsonPaths.Number(v);
        }

        var text = value.GetValue<string>().Trim();
        if (text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
        {
            var exact = (decimal)percent * total / 100m;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        throw new FormatException($"'{text}' is neither an integer nor a percentage.");
    }

    /// <summary>
    /// maxSurge (rounded up) and maxUnavailable (rounded down) for <paramref name="replicas"/>; when
    /// both come out zero, maxUnavailable becomes 1 as in Kubernetes so a rollout can always proceed.
    /// </summary>
    public static (int MaxSurge, int MaxUnavailable) ResolveFenceposts(JsonNode? maxSurge, JsonNode? maxUnavailable, int replicas)
    {
        var surge = Scaled(maxSurge, replicas, roundUp: true);
        var unavailable = Scaled(maxUnavailable, replicas, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    /// <summary>
    /// The new ReplicaSet's next size: grow toward <paramref name="replicas"/> while the total of all
    /// ReplicaSets stays within <paramref name="replicas"/> + <paramref name="maxSurge"/>.
    /// </summary>
    public static int NewReplicaSetSize(int replicas, int maxSurge, int totalSpec, int newSpec)
    {
        if (newSpec >= replicas)
        {
            return replicas;
        }

        var maxTotal = replicas + maxSurge;
        if (totalSpec >= maxTotal)
        {
            return newSpec;
        }

        return newSpec + Math.Min(maxTotal - totalSpec, replicas - newSpec);
    }

    /// <summary>
    /// The next sizes of the old ReplicaSets (oldest first): first drop their unavailable pods, then
    /// scale down available ones while at least <paramref name="replicas"/> - <paramref name="maxUnavailable"/>
    /// pods stay available.
    /// </summary>
    public static IReadOnlyList<int> OldReplicaSetSizes(IReadOnlyList<ReplicaCounts> old, ReplicaCounts newRs, int replicas, int maxUnavailable)
    {
        ArgumentNullException.ThrowIfNull(old);
        var sizes = old.Select(o => o.Spec).ToArray();
        var oldTotal = sizes.Sum();
        if (oldTotal == 0)
        {
            return sizes;
        }

        var allPods = oldTotal + newRs.Spec;
        var minAvailable = replicas - maxUnavailable;
        var newUnavailable = Math.Max(0, newRs.Spec - newRs.Available);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return sizes;
        }

        // Unhealthy replicas of old ReplicaSets go first: removing them costs no availability.
        var cleaned = 0;
        for (var i = 0; i < sizes.Length && cleaned < maxScaledDown; i++)
        {
            var unhealthy = Math.Max(0, sizes[i] - old[i].Available);
            var down = Math.Min(maxScaledDown - cleaned, unhealthy);
            sizes[i] -= down;
            cleaned += down;
        }

        var available = old.Sum(o => o.Available) + newRs.Available;
        if (available <= minAvailable)
        {
            return sizes;
        }

        var budget = available - minAvailable;
        for (var i = 0; i < sizes.Length && budget > 0; i++)
        {
            var down = Math.Min(sizes[i], budget);
            sizes[i] -= down;
            budget -= down;
        }

        return sizes;
    }

    /// <summary>Whether the rollout is complete: every replica updated and available, none left over.</summary>
    public static bool IsComplete(int replicas, int updated, int total, int available) =>
        updated == replicas && total == replicas && available == replicas;

    /// <summary>CrashLoopBackOff / ImagePullBackOff delay after <paramref name="failures"/> earlier failures: base doubling up to cap.</summary>
    public static TimeSpan Backoff(TimeSpan baseDelay, TimeSpan cap, int failures)
    {
        var ticks = baseDelay.Ticks;
        for (var i = 0; i < failures && ticks < cap.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, cap.Ticks));
    }
}
