using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class GitHubDeployLogTests
{
    [Fact]
    public void Groups_DoNotNest_AndWarningsAreAnnotations()
    {
        var writer = new StringWriter { NewLine = "\n" };
        var log = new GitHubDeployLog(writer);

        using (log.Group("helm upgrade web"))
        {
            log.Info("Release \"web\" has been upgraded.");
            using (log.Group("retry"))
            {
                log.Warning("transient: 100% busy");
            }
        }

        writer.ToString().Should().Be("::group::helm upgrade web\nRelease \"web\" has been upgraded.\n== retry\n::warning::transient: 100%25 busy\n::endgroup::\n");
    }

    [Fact]
    public void Error_IsAnErrorAnnotation_EscapedAsWorkflowCommandData()
    {
        var writer = new StringWriter { NewLine = "\n" };

        new GitHubDeployLog(writer).Error("invalid input 'timeout': 100% wrong\r\nsee: docs, page 2");

        writer.ToString().Should().Be("::error::invalid input 'timeout': 100%25 wrong%0D%0Asee: docs, page 2\n");
    }

    [Fact]
    public void Info_DefusesHelmOutputThatLooksLikeAWorkflowCommand()
    {
        var writer = new StringWriter { NewLine = "\n" };

        new GitHubDeployLog(writer).Info("NOTES:\n  ::add-mask::nothing\n::error::from a chart");

        writer.ToString().Should().Be("NOTES:\n  :\u200B:add-mask::nothing\n:\u200B:error::from a chart\n");
    }
}
