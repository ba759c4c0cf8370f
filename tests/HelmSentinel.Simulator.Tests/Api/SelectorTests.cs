using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Api.Selectors;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["owner"] = "helm" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web,owner=helm", true)]
    [InlineData("app=api", false)]
    [InlineData("app!=api", true)]
    [InlineData("missing!=x", true)]
    [InlineData("tier in (front, back)", true)]
    [InlineData("tier in (back)", false)]
    [InlineData("tier notin (back),app", true)]
    [InlineData("tier notin (front)", false)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    public void Label_selectors_match_like_kubernetes(string selector, bool expected)
    {
        // Act
        var matches = LabelSelector.Parse(selector).Matches(Labels);

        // Assert
        matches.Should().Be(expected);
    }

    [Theory]
    [InlineData("=web")]
    [InlineData("tier in front")]
    [InlineData(",")]
    public void Malformed_label_selectors_are_BadRequest(string selector)
    {
        // Act
        var parse = () => LabelSelector.Parse(selector);

        // Assert
        parse.Should().Throw<ApiException>().Where(e => e.Code == 400);
    }

    [Theory]
    [InlineData("metadata.name=web", true)]
    [InlineData("metadata.name==web,metadata.namespace=default", true)]
    [InlineData("metadata.name!=web", false)]
    [InlineData("involvedObject.uid=u1,involvedObject.kind=Pod", true)]
    [InlineData("status.phase=Running", false)]
    [InlineData("spec.nodeName=", true)]
    public void Field_selectors_compare_dotted_paths(string selector, bool expected)
    {
        // Arrange
        var obj = JsonNode.Parse("""{"metadata":{"name":"web","namespace":"default"},"involvedObject":{"uid":"u1","kind":"Pod"},"status":{"phase":"Pending"}}""")!.AsObject();

        // Act
        var matches = FieldSelector.Parse(selector).Matches(obj);

        // Assert
        matches.Should().Be(expected);
    }
}
