using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator.Tests.Cluster;

/// <summary>The secret-masking canary's image: <c>sim.local/leak-env:&lt;VAR&gt;</c>, or a catalogue entry with a variable.</summary>
public sealed class LeakEnvImageTests
{
    [Theory]
    [InlineData("sim.local/leak-env:DB_PASSWORD", "DB_PASSWORD")]
    [InlineData("sim.local/leak-env:api_token", "api_token")]
    [InlineData("sim.local/leak-env:TLS_KEY.DB_PASSWORD", "TLS_KEY.DB_PASSWORD")]
    [InlineData("SIM.LOCAL/leak-env:TLS_KEY@sha256:0123456789abcdef0123456789abcdef", "TLS_KEY")]
    public void TheTagOfALeakEnvImage_IsTheVariable_AsWritten(string image, string variable)
    {
        ClusterConfig.Default.Images.Find(image).Should().Be(new ImageBehaviour(BehaviourKind.LeakEnv, Variable: variable));
    }

    [Fact]
    public void ALeakEnvImageWithoutATag_DoesNotExist()
    {
        ClusterConfig.Default.Images.Find("sim.local/leak-env").Should().BeNull();
    }

    [Fact]
    public void ACatalogueEntry_NamesItsVariable()
    {
        var config = ClusterConfig.Parse("""
            images:
              - match: corp/leaky:*
                behaviour: leak-env
                variable: API_TOKEN
                exitCode: 3
            """);

        config.Images.Find("corp/leaky:1").Should().Be(new ImageBehaviour(BehaviourKind.LeakEnv, ExitCode: 3, Variable: "API_TOKEN"));
    }

    [Fact]
    public void ACatalogueEntryWithoutAVariable_IsRefused()
    {
        var parse = () => ClusterConfig.Parse("images:\n  - match: corp/leaky:*\n    behaviour: leak-env\n");

        parse.Should().Throw<FormatException>().WithMessage("*'leak-env' needs 'variable'*");
    }
}
