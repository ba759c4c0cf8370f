using CsCheck;
using HelmSentinel.GitOps;
using static HelmSentinel.Tests.GitOps.Readings;

namespace HelmSentinel.Tests.GitOps;

public sealed class GitOpsWatchTests
{
    [Fact]
    public void SyncedAndHealthyAtTheOldRevision_IsNeverDone_AndTheTimeoutSaysItNeverSynced()
    {
        var watch = GitOpsWatch.Start(Times, T0).Observe(AtOld(1)).Observe(AtOld(300)).At(T0.AddMinutes(9));
        watch.Verdict.Should().BeNull();

        watch = watch.At(T0.AddMinutes(10));

        watch.Verdict.Should().Be(GitOpsVerdict.NeverSynced);
        watch.Reason.Should().Be("never synced to 1a2b3c4 within 10m (still at 99aa88b)");
    }

    [Fact]
    public void HealthyAtTheRevision_IsDoneWhenTheBakeIsOver_NotBefore()
    {
        var watch = GitOpsWatch.Start(Times, T0).Observe(AtOld(1)).Observe(AtWanted(20, AppHealth.Progressing)).Observe(AtWanted(30, AppHealth.Healthy));
        watch.NextDeadline().Should().Be(T0.AddSeconds(90));
        watch.At(T0.AddSeconds(89)).Verdict.Should().BeNull();

        var done = watch.At(T0.AddSeconds(90));

        done.Verdict.Should().Be(GitOpsVerdict.Healthy);
        done.SyncedAt.Should().Be(T0.AddSeconds(20));
        done.Timeline.Select(m => m.What).Should().Equal(
            "watching for revision 1a2b3c4",
            "Synced to 99aa88b, operation Succeeded; Healthy",
            "Synced to 1a2b3c4, operation Succeeded; Progressing at revision 1a2b3c4",
            "Synced to 1a2b3c4, operation Succeeded; Healthy at revision 1a2b3c4",
            "done: healthy at revision 1a2b3c4 for the whole bake (1m)");
    }

    [Fact]
    public void ABreakInHealth_StartsTheBakeAgain()
    {
        var watch = GitOpsWatch.Start(Times, T0)
            .Observe(AtWanted(10, AppHealth.Healthy))
            .Observe(AtWanted(50, AppHealth.Progressing))
            .Observe(AtWanted(55, AppHealth.Healthy));

        watch.At(T0.AddSeconds(70)).Verdict.Should().BeNull("the bake counts from +55s");
        watch.NextDeadline().Should().Be(T0.AddSeconds(115));
        watch.At(T0.AddSeconds(115)).Verdict.Should().Be(GitOpsVerdict.Healthy);
    }

    [Fact]
    public void DegradedAtTheRevision_Fails_NamingTheResources()
    {
        var web = new AppResource("Deployment", "shop", "web", AppHealth.Degraded, "Deployment \"web\" exceeded its progress deadline") { Group = "apps" };

        var watch = GitOpsWatch.Start(Times, T0).Observe(AtWanted(40, AppHealth.Degraded, null, web));

        watch.Verdict.Should().Be(GitOpsVerdict.Failed);
        watch.Reason.Should().Be("the application is Degraded at revision 1a2b3c4: Deployment/shop/web Degraded (Deployment \"web\" exceeded its progress deadline)");
        watch.EndedAt.Should().Be(T0.AddSeconds(40));
    }

    [Fact]
    public void DegradedAtTheOldRevision_SaysNothingAboutTheNewOne()
    {
        GitOpsWatch.Start(Times, T0).Observe(AtOld(5, AppHealth.Degraded)).Verdict.Should().BeNull();
    }

    [Fact]
    public void AFailedOperation_Fails_InTheSourcesWords()
    {
        var watch = GitOpsWatch.Start(Times, T0).Observe(AtWanted(3, AppHealth.Progressing, "operation Failed: one or more objects failed to apply"));

        watch.Verdict.Should().Be(GitOpsVerdict.Failed);
        watch.Reason.Should().Be("operation Failed: one or more objects failed to apply");
    }

    [Fact]
    public void ASyncToTheRevisionThatFailed_Fails_ThoughTheApplicationIsNotAtIt()
    {
        var failed = AtOld(8) with { Failure = "operation Failed: one or more synchronization tasks are not valid" };

        var watch = GitOpsWatch.Start(Times, T0).Observe(failed);

        watch.Verdict.Should().Be(GitOpsVerdict.Failed);
        watch.Reason.Should().Be("operation Failed: one or more synchronization tasks are not valid");
    }

    [Fact]
    public void ProgressingPastTheProgressingTimeout_Fails()
    {
        var watch = GitOpsWatch.Start(Times, T0).Observe(AtWanted(20, AppHealth.Progressing));
        watch.NextDeadline().Should().Be(T0.AddSeconds(20) + Times.ProgressingTimeout);

        var failed = watch.At(T0.AddSeconds(20) + Times.ProgressingTimeout);

        failed.Verdict.Should().Be(GitOpsVerdict.Failed);
        failed.Reason.Should().Be("not healthy 5m after the sync to revision 1a2b3c4 (health Progressing)");
    }

    [Fact]
    public void AnEndedWatch_IgnoresLaterReadings()
    {
        var failed = GitOpsWatch.Start(Times, T0).Observe(AtWanted(3, AppHealth.Degraded));

        failed.Observe(AtWanted(4, AppHealth.Healthy)).Should().BeSameAs(failed);
        failed.NextDeadline().Should().BeNull();
    }

    [Fact]
    public void WithoutAReadingAtTheRevision_NoSequenceOfReadingsEverPassesOrFails()
    {
        var health = Gen.Enum<AppHealth>();
        Gen.Select(Gen.Int[1, 599], health).Array[0, 30].Sample(steps =>
        {
            var watch = GitOpsWatch.Start(Times, T0);
            foreach (var (seconds, h) in steps.OrderBy(s => s.Item1))
            {
                watch = watch.Observe(AtOld(seconds, h));
            }

            return watch.Verdict is null && watch.At(T0.AddMinutes(10)).Verdict == GitOpsVerdict.NeverSynced;
        });
    }
}
