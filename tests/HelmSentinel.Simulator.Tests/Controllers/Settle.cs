using HelmSentinel.Simulator.Controllers;

namespace HelmSentinel.Simulator.Tests.Controllers;

/// <summary>Waiting for the controllers to catch up with a manual clock's step.</summary>
internal static class Settle
{
    /// <summary>Waits (real time, at most 10 s) until the controllers have had nothing queued three polls in a row.</summary>
    public static async Task ControllersAsync(ClusterControllers controllers)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        for (var idle = 0; idle < 3; idle = controllers.IsIdle ? idle + 1 : 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Controllers did not settle.");
            }

            await Task.Delay(1);
        }
    }
}
