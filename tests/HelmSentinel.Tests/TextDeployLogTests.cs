namespace HelmSentinel.Tests;

public sealed class TextDeployLogTests
{
    [Fact]
    public void InfoWarningErrorAndGroup_ArePlainLinesWithTheirPrefix()
    {
        var writer = new StringWriter { NewLine = "\n" };
        var log = new TextDeployLog(writer);

        using (log.Group("helm upgrade web"))
        {
            log.Info("Release \"web\" has been upgraded.");
            log.Warning("history-max 3 keeps 1 revision");
            log.Error("invalid input 'timeout': must be positive");
        }

        writer.ToString().Should().Be(
            "== helm upgrade web\n" +
            "Release \"web\" has been upgraded.\n" +
            "warning: history-max 3 keeps 1 revision\n" +
            "error: invalid input 'timeout': must be positive\n");
    }
}
