using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests;

public class TestNamesTests
{
    [Fact]
    public void AShortName_IsTheTestNameInKebabCase_WithItsCase()
    {
        TestNames.Release([3, "pull"], "Crash_IsFatal").Should().Be("crash-is-fatal-3-pull");
    }

    [Fact]
    public void ALongName_IsCut_KeepsItsCase_AndAHashOfTheWhole()
    {
        var a = TestNames.Release([4, "config"], "ABrokenStatefulSet_IsRestored_ByDeletingThePodOfTheFailedRevision");
        var b = TestNames.Release([4, "config"], "ABrokenStatefulSet_IsRestored_ByDeletingThePodOfAnotherRevision");

        a.Should().MatchRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").And.HaveLength(TestNames.MaxLength).And.Contain("-4-config-");
        a.Should().NotBe(b, "two long names that share their start still differ");
        TestNames.Release([4, "config"], "ABrokenStatefulSet_IsRestored_ByDeletingThePodOfTheFailedRevision").Should().Be(a, "the same on every run");
    }
}
