using HelmSentinel.GitOps;
using HelmSentinel.TestSupport;
using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.Tests.GitOps;

public sealed class GitOpsInputsTests
{
    private const string Sha = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";

    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal) { ["ARGOCD_AUTH_TOKEN"] = "tok-3f9a1c" };

    [Fact]
    public void ArgoCdThroughItsApi_ReadsTheTokenFromTheNamedVariable_AndMasksIt()
    {
        var (request, errors) = Parse(("revision", Sha.ToUpperInvariant()), ("argocd-server", "https://argocd.example.com"), ("app", "shop"), ("bake", "30s"));

        errors.Should().BeEmpty();
        request!.Revision.Should().Be(Sha);
        request.Bake.Should().Be(TimeSpan.FromSeconds(30));
        var target = request.Target.Should().BeOfType<GitOpsTarget.ArgoCdRest>().Subject;
        (target.Server.ToString(), target.App, target.TokenVariable, target.Token).Should().Be(("https://argocd.example.com/", "shop", "ARGOCD_AUTH_TOKEN", "tok-3f9a1c"));
        request.Secrets.Should().Contain("tok-3f9a1c");
        target.ToString().Should().NotContain("tok-3f9a1c");
    }

    [Fact]
    public void FluxThroughTheKubernetesApi_TakesTheKustomizationAndItsHelmReleases()
    {
        var (request, errors) = Parse(("revision", Sha), ("flux-kustomization", "flux-system/apps"), ("flux-helmrelease", "shop/web\nshop/worker"), ("kubeconfig", "/tmp/k"), ("revert", "none"));

        errors.Should().BeEmpty();
        var flux = request!.Target.Should().BeOfType<GitOpsTarget.Flux>().Subject;
        flux.Kustomization.Should().Be(new NamespacedName("flux-system", "apps"));
        flux.HelmReleases.Should().Equal(new NamespacedName("shop", "web"), new NamespacedName("shop", "worker"));
        flux.Kube.Should().Be(new KubeAccess("/tmp/k", null));
        request.Revert.Should().Be(RevertMode.None);
    }

    [Theory]
    [InlineData("revision", "is required")]
    [InlineData("argocd-server", "what to watch is required")]
    public void WhatIsRequired_IsNamed(string input, string message)
    {
        var inputs = input == "revision" ? Parse(("argocd-application", "argocd/shop")) : Parse(("revision", Sha));

        inputs.Errors.Should().ContainSingle(e => e.Input == input).Which.Message.Should().StartWith(message);
    }

    [Theory]
    [InlineData("revision", "main", "'main' is not a commit SHA")]
    [InlineData("argocd-application", "shop", "'shop' is not NAMESPACE/NAME")]
    [InlineData("revert", "force", "'force' is not one of pr, push, none")]
    [InlineData("bake", "20m", "the bake (20m) must be shorter than the timeout (10m)")]
    [InlineData("revert-branch-prefix", "a..b/", "'a..b/' is not a usable branch name prefix")]
    public void ABadValue_IsRefused_NamingItsInput(string input, string value, string message)
    {
        var given = new List<(string, string)> { ("revision", Sha), ("argocd-application", "argocd/shop") };
        given.RemoveAll(g => g.Item1 == input);
        given.Add((input, value));

        var (request, errors) = Parse([.. given]);

        request.Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Be(new HelmSentinel.Deploy.InputError(input, errors[0].Message));
        errors[0].Message.Should().StartWith(message);
    }

    [Fact]
    public void TwoTargets_OrAnOptionOfAnother_AreRefused()
    {
        Parse(("revision", Sha), ("argocd-application", "argocd/shop"), ("flux-kustomization", "flux-system/apps")).Errors
            .Should().ContainSingle().Which.Message.Should().Be("argocd-application and flux-kustomization both name what to watch; give one of them.");
        Parse(("revision", Sha), ("argocd-application", "argocd/shop"), ("flux-helmrelease", "shop/web")).Errors
            .Should().ContainSingle().Which.Input.Should().Be("flux-helmrelease");
        Parse(("revision", Sha), ("flux-kustomization", "flux-system/apps"), ("on-failure-argocd-rollback", "true")).Errors
            .Should().ContainSingle().Which.Input.Should().Be("on-failure-argocd-rollback");
        Parse(("revision", Sha), ("argocd-server", "https://argocd.example.com"), ("app", "shop"), ("kubeconfig", "/tmp/k")).Errors
            .Should().ContainSingle().Which.Input.Should().Be("kubeconfig");
    }

    [Fact]
    public void AnUnsetTokenVariable_IsNamed_AndATokenGivenInsteadOfItsVariable_IsNeverRepeated()
    {
        const string secret = "Zq7vKx2pLm9wRt4s";
        var canary = new SecretCanary([secret]);

        var unset = Parse(("revision", Sha), ("argocd-server", "https://argocd.example.com"), ("app", "shop"), ("argocd-token-env", "MY_TOKEN"));
        var token = Parse(("revision", Sha), ("argocd-server", "https://argocd.example.com"), ("app", "shop"), ("argocd-token-env", secret));
        var inUrl = Parse(("revision", Sha), ("argocd-server", $"https://admin:{secret}@argocd.example.com"), ("app", "shop"));

        unset.Errors.Should().ContainSingle().Which.Message.Should().Be("the environment variable MY_TOKEN is not set: it must hold the Argo CD token (argocd account generate-token).");
        token.Errors.Should().ContainSingle().Which.Input.Should().Be("argocd-token-env");
        inUrl.Errors.Should().ContainSingle().Which.Input.Should().Be("argocd-server");
        canary.Find("errors", string.Join("\n", token.Errors.Concat(inUrl.Errors).Select(e => e.ToString()))).Should().BeEmpty();
    }

    [Fact]
    public void AnUnknownInput_IsNamed()
    {
        Parse(("revision", Sha), ("argocd-application", "argocd/shop"), ("chart", "./web")).Errors
            .Should().ContainSingle().Which.Input.Should().Be("chart");
    }

    private static (GitOpsRequest? Request, IReadOnlyList<HelmSentinel.Deploy.InputError> Errors) Parse(params (string Name, string Value)[] inputs) =>
        GitOpsInputs.Parse(
            inputs.GroupBy(i => i.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(i => i.Value)], StringComparer.Ordinal),
            name => Environment.GetValueOrDefault(name));
}
