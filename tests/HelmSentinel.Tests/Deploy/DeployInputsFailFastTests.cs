using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Deploy;

public sealed class DeployInputsFailFastTests
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
    public void Parse_WithoutFailFastInputs_KeepsTheDefaults()
    {
        var (request, errors) = DeployInputs.Parse(Inputs());

        errors.Should().BeEmpty();
        request!.FailFast.Should().BeTrue();
        request.RestartThreshold.Should().Be(2);
        request.UnschedulableGrace.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Parse_FailFastInputs_SetTheRequest()
    {
        var (request, errors) = DeployInputs.Parse(Inputs(("fail-fast", "false"), ("restart-threshold", "4"), ("unschedulable-grace", "2m")));

        errors.Should().BeEmpty();
        request!.FailFast.Should().BeFalse();
        request.RestartThreshold.Should().Be(4);
        request.UnschedulableGrace.Should().Be(TimeSpan.FromMinutes(2));
        DeployInputs.Names.Should().Contain(["fail-fast", "restart-threshold", "unschedulable-grace"]);
    }

    [Theory]
    [InlineData("fail-fast", "maybe")]
    [InlineData("restart-threshold", "0")]
    [InlineData("restart-threshold", "two")]
    [InlineData("unschedulable-grace", "soon")]
    public void Parse_MalformedFailFastInput_IsAnErrorNamingIt(string name, string value)
    {
        var (request, errors) = DeployInputs.Parse(Inputs((name, value)));

        request.Should().BeNull();
        errors.Should().ContainSingle().Which.Input.Should().Be(name);
    }
}
