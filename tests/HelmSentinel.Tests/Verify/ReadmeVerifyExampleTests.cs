using HelmSentinel.TestSupport;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

/// <summary>The README's complete verify document is one the parser takes, as written, with every kind of check.</summary>
public sealed class ReadmeVerifyExampleTests
{
    [Fact]
    public void TheReadmesExample_Parses_WithEachKindOfCheck()
    {
        var readme = File.ReadAllText(Path.Combine(Tools.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("## Verification after Ready", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];

        var parsed = VerifySpecParser.Parse(yaml, name => name == "PROM_TOKEN" ? "a-token" : null);

        parsed.Errors.Should().BeEmpty();
        parsed.Spec!.Checks.Select(c => c.Kind).Should().Equal("helmTest", "http", "prometheus");
        parsed.Spec.Bake.Should().Be(TimeSpan.FromSeconds(60));
        parsed.Spec.Checks.OfType<HttpCheck>().Single().FailureLimit.Should().Be(1);
    }
}
