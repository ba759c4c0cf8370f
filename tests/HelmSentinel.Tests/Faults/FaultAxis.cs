using HelmSentinel.Tests.EndToEnd;
using HelmSentinel.TestSupport;
using HelmSentinel.TestSupport.Faults;
using Xunit.Abstractions;

namespace HelmSentinel.Tests.Faults;

/// <summary>
/// One axis of the fault matrix (<see cref="FaultMatrix"/>): each of its cases at both Helm majors, on the axis's own
/// simulator. A case passes when the deploy ended honestly: an exit code the case allows, no pending lock, the outcome
/// agreeing with the history, the Deployment serving the revision the exit code claims, nothing of the broken template
/// left, and, when nothing could be restored, a report that says what a person must do.
/// </summary>
public abstract class FaultAxis(SimulatorFixture cluster, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    /// <summary>The cases of an axis at both majors, as theory data (case name, major).</summary>
    protected static TheoryData<string, int> CasesOf(string axis)
    {
        var data = new TheoryData<string, int>();
        foreach (var @case in FaultMatrix.Cases.Where(c => c.Axis == axis))
        {
            foreach (var major in new[] { 3, 4 })
            {
                data.Add(@case.Name, major);
            }
        }

        return data;
    }

    protected async Task SurvivesAsync(string axis, string name, int major)
    {
        var index = FaultMatrix.Cases.ToList().FindIndex(c => c.Axis == axis && c.Name == name);
        var result = await FaultMatrix.RunAsync(FaultMatrix.Cases[index], major, cluster.Simulator, TestNames.Release([axis, index, major], "fault"));
        output.WriteLine(result.Details);
        if (Environment.GetEnvironmentVariable(FaultMatrix.RowsVariable) is { Length: > 0 } rows)
        {
            FaultMatrix.Record(result, rows);
        }

        result.WrongExit.Should().BeFalse($"exit {result.ExitCode} is not an honest end of '{name}':\n{result.Details}");
        if (result.ExitCode != 2)
        {
            result.PendingLock.Should().BeFalse($"a pending revision holds the release after '{name}':\n{result.Details}");
        }

        result.Problems.Should().BeEmpty($"the end of '{name}' must be honest:\n{result.Details}");
    }
}

public sealed class ApiOutageFaultTests(SimulatorFixture cluster, ITestOutputHelper output) : FaultAxis(cluster, output)
{
    public static TheoryData<string, int> Cases => CasesOf("api-outage");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AnApiOutage_EndsHonestly(string name, int major) => SurvivesAsync("api-outage", name, major);
}

public sealed class ThrottlingFaultTests(SimulatorFixture cluster, ITestOutputHelper output) : FaultAxis(cluster, output)
{
    public static TheoryData<string, int> Cases => CasesOf("throttling");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task ThrottlingAndConflicts_EndHonestly(string name, int major) => SurvivesAsync("throttling", name, major);
}

public sealed class WatchFaultTests(SimulatorFixture cluster, ITestOutputHelper output) : FaultAxis(cluster, output)
{
    public static TheoryData<string, int> Cases => CasesOf("watch");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task ACutWatch_EndsHonestly(string name, int major) => SurvivesAsync("watch", name, major);
}

public sealed class KilledHelmFaultTests(SimulatorFixture cluster, ITestOutputHelper output) : FaultAxis(cluster, output)
{
    public static TheoryData<string, int> Cases => CasesOf("killed-helm");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AKilledHelm_IsRecoveredByTheNextDeploy(string name, int major) => SurvivesAsync("killed-helm", name, major);
}

public sealed class RollbackRefusedFaultTests(SimulatorFixture cluster, ITestOutputHelper output) : FaultAxis(cluster, output)
{
    public static TheoryData<string, int> Cases => CasesOf("rollback-refused");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task ARefusedRollback_EndsRollbackFailed_SayingWhatToDo(string name, int major) => SurvivesAsync("rollback-refused", name, major);
}
