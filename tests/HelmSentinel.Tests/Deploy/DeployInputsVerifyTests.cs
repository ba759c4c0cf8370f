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

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void Parse_VerifyRollback_IsASwitch_OffByDefault(string? value, bool expected)
    {
        var (request, errors) = DeployInputs.Parse(value is null ? Inputs(("verify", "/tmp/v")) : Inputs(("verify", "/tmp/v"), ("verify-rollback", value)));

        errors.Should().BeEmpty();
        request!.VerifyRollback.Should().Be(expected);
        DeployInputs.Names.Should().Contain(DeployInputNames.VerifyRollback);
    }

    [Fact]
    public void Validate_VerifyRollbackWithoutADocument_IsAnErrorOfThatInput()
    {
        var (request, _) = DeployInputs.Parse(Inputs(("verify-rollback", "true")));

        var errors = DeployRequestValidator.Validate(request!);

        errors.Where(e => e.Input.StartsWith("verify", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Be(new InputError("verify-rollback",
            "verify-rollback is on but there is no verify document: give its checks in verify, or turn verify-rollback off."));
    }

    [Fact]
    public void TheDocument_IsReadOncePerRequest_SoTheValidatorAndTheDeploySeeTheSameOne()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "bake: 3s\ninterval: 1s\nchecks:\n  - name: up\n    http: { url: 'http://127.0.0.1:9/' }\n");
            var request = new DeployRequest { Release = "web", Chart = "./web", VerifyFile = file };
            DeployRequestValidator.Validate(request).Where(e => e.Input == "verify").Should().BeEmpty();

            File.WriteAllText(file, "not: a document");

            VerifyInput.Of(request).Spec!.Checks.Should().ContainSingle().Which.Name.Should().Be("up", "the document validated is the one deployed");
            VerifyInput.Of(request with { }).Errors.Should().NotBeEmpty("another request reads the file again");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
