using HelmSentinel.GitOps;

namespace HelmSentinel.Tests.GitOps;

/// <summary>Readings of an application for the decision's tests.</summary>
internal static class Readings
{
    public const string Wanted = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";
    public const string Old = "99aa88bb77cc66dd55ee44ff3300112233445566";

    public static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    public static readonly GitOpsTimes Times = new(Wanted, Bake: TimeSpan.FromSeconds(60), Timeout: TimeSpan.FromMinutes(10), ProgressingTimeout: TimeSpan.FromMinutes(5));

    public static AppObservation AtOld(double seconds, AppHealth health = AppHealth.Healthy) => new()
    {
        At = T0.AddSeconds(seconds),
        Revision = Old,
        AtRevision = false,
        Health = health,
        Sync = "Synced to 99aa88b, operation Succeeded",
    };

    public static AppObservation AtWanted(double seconds, AppHealth health, string? failure = null, params AppResource[] resources) => new()
    {
        At = T0.AddSeconds(seconds),
        Revision = Wanted,
        AtRevision = true,
        Health = health,
        Failure = failure,
        Sync = "Synced to 1a2b3c4, operation Succeeded",
        Resources = resources,
        History = [new AppHistoryEntry(1, Old, T0.AddDays(-1)), new AppHistoryEntry(2, Wanted, T0.AddSeconds(seconds))],
    };
}
