using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Controllers;

namespace HelmSentinel.Simulator.Tests.Controllers;

public class PodTemplateHashTests
{
    private static JsonNode Template(string image, string keyOrder = "ab") => JsonNode.Parse((keyOrder == "ab"
        ? """{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"containers":[{"name":"web","image":"IMAGE"}]}}"""
        : """{"spec":{"containers":[{"image":"IMAGE","name":"web"}]},"metadata":{"labels":{"tier":"front","app":"web"}}}""").Replace("IMAGE", image, StringComparison.Ordinal))!;

    [Fact]
    public void Hash_is_stable_and_ignores_key_order()
    {
        var a = PodTemplateHash.Compute(Template("nginx:1.16.0"));
        var b = PodTemplateHash.Compute(Template("nginx:1.16.0", "ba"));

        a.Should().Be(b);
        a.Should().Be(PodTemplateHash.Compute(Template("nginx:1.16.0")));
        a.Should().MatchRegex("^[bcdfghjklmnpqrstvwxz2456789]{6,10}$");
    }

    [Fact]
    public void Hash_changes_with_the_template_and_the_collision_count()
    {
        var a = PodTemplateHash.Compute(Template("nginx:1.16.0"));

        PodTemplateHash.Compute(Template("nginx:1.17.0")).Should().NotBe(a);
        PodTemplateHash.Compute(Template("nginx:1.16.0"), 1).Should().NotBe(a);
    }

    [Fact]
    public void Hash_and_equality_ignore_the_pod_template_hash_label()
    {
        var plain = Template("nginx:1.16.0");
        var labelled = plain.DeepClone();
        labelled["metadata"]!["labels"]!["pod-template-hash"] = "abc";

        PodTemplateHash.Compute(labelled).Should().Be(PodTemplateHash.Compute(plain));
        PodTemplateHash.EqualIgnoringHash(plain, labelled).Should().BeTrue();
        PodTemplateHash.EqualIgnoringHash(plain, Template("nginx:1.17.0")).Should().BeFalse();
    }
}
