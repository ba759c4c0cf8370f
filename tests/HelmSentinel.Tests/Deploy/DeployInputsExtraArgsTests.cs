using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Deploy;

public class DeployInputsExtraArgsTests
{
    [Theory]
    [InlineData("--skip-crds", new[] { "--skip-crds" })]
    [InlineData("  --skip-crds  ", new[] { "--skip-crds" })]
    [InlineData("--skip-crds --dependency-update", new[] { "--skip-crds", "--dependency-update" })]
    [InlineData("--set-json=config={\"greeting\":\"hello world\"}", new[] { "--set-json=config={\"greeting\":\"hello world\"}" })]
    [InlineData("--labels=team=a b", new[] { "--labels=team=a b" })]
    [InlineData("   ", new string[0])]
    public void ExtraArguments_OneLineIsOneArgument_UnlessEveryWordIsAFlag(string line, string[] expected)
    {
        DeployInputs.ExtraArguments(line).Should().Equal(expected);
    }

    [Fact]
    public void Parse_ExtraArgsOnSeveralLines_KeepsAValueWithASpaceWhole()
    {
        var (request, errors) = DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>>
        {
            ["release"] = ["web"],
            ["chart"] = ["./chart"],
            ["extra-args"] = ["--skip-crds\n--set-json=greeting=\"hello world\"\n"],
        });

        errors.Should().BeEmpty();
        request!.ExtraArgs.Should().Equal("--skip-crds", "--set-json=greeting=\"hello world\"");
    }
}
