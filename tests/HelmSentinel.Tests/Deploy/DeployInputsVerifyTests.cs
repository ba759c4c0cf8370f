using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Deploy;

public sealed class DeployInputsVerifyTests
{
    private static Dictionary<string, IReadOnlyList<string>> Inputs(params (string Name, string Value)[] extra)
    {
        var inputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["release"] = ["web"], ["chart"] = ["./web"] };
        foreach (var (name, value) in extra)
        {
            inputs[name] = [value];
        }

        return inputs;
    }

    [Fact]
    public void Parse_Verify_IsTheFileOfTheDocument()
    {
        var (request, errors) = DeployInputs.Parse(Inputs(("verify", " /tmp/helm-sentinel-verify-0011 ")));

        errors.Should().BeEmpty();
        request!.VerifyFile.Should().Be("/tmp/helm-sentinel-verify-0011");
        DeployInputs.Names.Should().Contain(DeployInputNames.Verify);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Parse_AbsentOrBlankVerify_MeansNoVerification(string? value)
    {
        var (request, errors) = DeployInputs.Parse(value is null ? Inputs() : Inputs(("verify", value)));

        errors.Should().BeEmpty();
        request!.VerifyFile.Should().BeNull();
    }

    [Fact]
    public void Validate_ABadDocument_IsAnErrorOfTheVerifyInput()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "bake: 3s\ninterval: 1s\nchecks: []\n");
            var (request, _) = DeployInputs.Parse(Inputs(("verify", file)));

            var errors = DeployRequestValidator.Validate(request!);

            errors.Where(e => e.Input == "verify").Should().ContainSingle()
                .Which.Message.Should().Contain("checks").And.Contain("at least one check");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
