using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class WorkflowCommandsTests
{
    [Fact]
    public void Error_EscapesTheTitleAsAPropertyAndTheMessageAsData()
    {
        var line = WorkflowCommands.Error("line 1: 100%\nline 2\r", "web: failed, rolled back");

        line.Should().Be("::error title=web%3A failed%2C rolled back::line 1: 100%25%0Aline 2%0D");
    }

    [Fact]
    public void Commands_WithoutProperties_HaveNoSpace()
    {
        WorkflowCommands.AddMask("s3cr3t").Should().Be("::add-mask::s3cr3t");
        WorkflowCommands.Group("helm upgrade web").Should().Be("::group::helm upgrade web");
        WorkflowCommands.EndGroup().Should().Be("::endgroup::");
        WorkflowCommands.Warning("careful").Should().Be("::warning::careful");
        WorkflowCommands.Notice("fyi", "Title").Should().Be("::notice title=Title::fyi");
        WorkflowCommands.Debug("x").Should().Be("::debug::x");
    }

    [Fact]
    public void Command_JoinsSeveralPropertiesWithCommas()
    {
        WorkflowCommands.Command("error", [("file", "a,b.yaml"), ("line", "3")], "bad").Should().Be("::error file=a%2Cb.yaml,line=3::bad");
    }

    [Fact]
    public void EscapeData_EscapesPercentFirst()
    {
        WorkflowCommands.EscapeData("%0A").Should().Be("%250A");
    }
}
