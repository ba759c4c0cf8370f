using HelmSentinel.Platforms.AzureDevOps;

namespace HelmSentinel.Tests.Platforms.AzureDevOps;

public sealed class AzureCommandsTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a;b", "a%3Bb")]
    [InlineData("a]b", "a%5Db")]
    [InlineData("line1\r\nline2", "line1%0D%0Aline2")]
    [InlineData("x\ny", "x%0Ay")]
    [InlineData("100% sure", "100% sure")]
    [InlineData("", "")]
    public void Escape_EncodesTheFourCharactersTheAgentDecodes(string value, string expected) =>
        AzureCommands.Escape(value).Should().Be(expected);

    [Fact]
    public void Commands_AreExactAgentSyntax()
    {
        AzureCommands.SetSecret("s3cr;t]").Should().Be("##vso[task.setsecret]s3cr%3Bt%5D");
        AzureCommands.Error("bad;\nthing").Should().Be("##vso[task.logissue type=error]bad%3B%0Athing");
        AzureCommands.Warning("careful]").Should().Be("##vso[task.logissue type=warning]careful%5D");
        AzureCommands.SetOutput("result", "rolled-back").Should().Be("##vso[task.setvariable variable=result;isOutput=true;issecret=false]rolled-back");
        AzureCommands.SetOutput("failureReason", "a;b]\r\nc").Should().Be("##vso[task.setvariable variable=failureReason;isOutput=true;issecret=false]a%3Bb%5D%0D%0Ac");
        AzureCommands.UploadSummary("/tmp/a]b.md").Should().Be("##vso[task.uploadsummary]/tmp/a%5Db.md");
        AzureCommands.AddBuildTag("helm-sentinel:succeeded").Should().Be("##vso[build.addbuildtag]helm-sentinel:succeeded");
        AzureCommands.Complete(true, "web deployed revision 2").Should().Be("##vso[task.complete result=Succeeded;]web deployed revision 2");
        AzureCommands.Complete(false, "crash; again").Should().Be("##vso[task.complete result=Failed;]crash%3B again");
        AzureCommands.Group("helm upgrade web\nnext").Should().Be("##[group]helm upgrade web next");
        AzureCommands.EndGroup().Should().Be("##[endgroup]");
    }

    [Fact]
    public void PlainLines_DefuseCommandsInHelmOutput()
    {
        var lines = AzureCommands.PlainLines("NOTES: ##vso[task.setvariable variable=x]y\r\n##[error]fake\nok").ToList();

        lines.Should().HaveCount(3);
        lines.Should().NotContain(l => l.Contains("##vso[", StringComparison.OrdinalIgnoreCase) || l.Contains("##[", StringComparison.Ordinal));
        lines[2].Should().Be("ok");
        lines[0].Replace("\u200B", "", StringComparison.Ordinal).Should().Be("NOTES: ##vso[task.setvariable variable=x]y");
    }

    [Fact]
    public void Group_DefusesACommandInItsTitle() =>
        AzureCommands.Group("##vso[task.complete result=Succeeded]").Should().NotContain("##vso[");
}
