using HelmSentinel.Platforms.AzureDevOps;

namespace HelmSentinel.Tests.Platforms.AzureDevOps;

public sealed class AzureDeployLogTests
{
    [Fact]
    public void WarningAndError_AreLogIssues_EscapedAsTheAgentDecodes()
    {
        var writer = new StringWriter { NewLine = "\n" };
        var log = new AzureDeployLog(writer);

        log.Warning("careful]");
        log.Error("invalid input 'timeout': bad;\nvalue]");

        writer.ToString().Should().Be(
            "##vso[task.logissue type=warning]careful%5D\n" +
            "##vso[task.logissue type=error]invalid input 'timeout': bad%3B%0Avalue%5D\n");
    }
}
