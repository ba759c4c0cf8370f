using HelmSentinel.GitOps.ArgoCd;

namespace HelmSentinel.Tests.GitOps.ArgoCd;

public sealed class ArgoCdServerUrlTests
{
    [Theory]
    [InlineData("https://argocd.example.com", "https://argocd.example.com/")]
    [InlineData(" https://argocd.example.com/ ", "https://argocd.example.com/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("https://example.com/argocd", "https://example.com/argocd/")]
    public void Parse_AcceptsAnHttpOrHttpsBaseUrl(string text, string expected)
    {
        ArgoCdServerUrl.Parse(text, out var error).Should().Be(new Uri(expected));
        error.Should().BeNull();
    }

    [Theory]
    [InlineData(null, "argocd-server: missing")]
    [InlineData("  ", "argocd-server: missing")]
    [InlineData("argocd.example.com", "argocd-server: 'argocd.example.com' is not an absolute http or https URL")]
    [InlineData("ftp://argocd.example.com", "argocd-server: 'ftp://argocd.example.com' is not an absolute http or https URL")]
    [InlineData("https://admin:hunter2@argocd.example.com", "argocd-server: the URL holds a user name or password")]
    [InlineData("https://argocd.example.com/?token=abc", "argocd-server: 'https://argocd.example.com/' must not have a query or fragment")]
    public void Parse_RefusesWhatIsNotABaseUrl_NamingTheInput(string? text, string message)
    {
        ArgoCdServerUrl.Parse(text, out var error).Should().BeNull();
        error.Should().StartWith(message);
        error.Should().NotContain("hunter2").And.NotContain("token=abc");
    }
}
