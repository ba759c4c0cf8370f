using HelmSentinel.Deploy;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.TestSupport;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Action.Tests;

/// <summary>action.yml and the reusable workflow agree with the entry: every input reaches it, every output comes from it.</summary>
public class ActionMetadataTests
{
    private static readonly YamlMappingNode Action = Load("action.yml");
    private static readonly YamlMappingNode Workflow = Load(".github/workflows/helm-deploy.yml");

    [Fact]
    public void EveryInput_IsMappedIntoTheDeployStepsEnvironment_AndKnownToTheEntry()
    {
        var inputs = Keys(Map(Action, "inputs"));
        var env = Map(DeployStep(), "env");

        foreach (var input in inputs)
        {
            var variable = "INPUT_" + input.ToUpperInvariant().Replace('-', '_');
            env.Children.Should().ContainKey(new YamlScalarNode(variable), $"input '{input}' must reach the entry");
            ((YamlScalarNode)env.Children[new YamlScalarNode(variable)]).Value.Should().Be($"${{{{ inputs.{input} }}}}");
            (DeployInputs.Names.Contains(input) || ActionInputs.PlatformNames.Contains(input) || ActionInputs.GitOpsNames.Contains(input)).Should().BeTrue($"the entry must understand '{input}'");
        }

        env.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(k => k.StartsWith("INPUT_", StringComparison.Ordinal))
            .Should().HaveCount(inputs.Count, "no variable maps an input that does not exist");
    }

    [Fact]
    public void EveryOutput_ComesFromTheDeployStep_AndTheEntryWritesItAll()
    {
        var outputs = Map(Action, "outputs");
        var written = ActionOutputs.From(new DeployOutcome { Result = DeployResult.Succeeded, Release = "r", Namespace = "n" }, SecretMasker.None, "p")
            .Select(o => o.Key).ToList();

        Keys(outputs).Should().BeEquivalentTo(written);
        foreach (var name in written)
        {
            // A step that fails before it writes its outputs (bad inputs the entry refuses) still says skipped.
            var fallback = name is "verification" or "rollback-verification" ? " || 'skipped'" : "";
            ((YamlScalarNode)Map(outputs, name)["value"]).Value.Should().Be($"${{{{ steps.deploy.outputs.{name}{fallback} }}}}");
        }
    }

    [Fact]
    public void TheReusableWorkflow_ForwardsItsInputsToTheAction_AndTheActionsOutputs()
    {
        var call = Map(Map(Workflow, "on"), "workflow_call");
        var job = Map(Map(Workflow, "jobs"), "deploy");
        var step = ((YamlSequenceNode)job["steps"]).Children.OfType<YamlMappingNode>().Single(s => s.Children.ContainsKey(new YamlScalarNode("id")));
        var with = Map(step, "with");
        var actionInputs = Keys(Map(Action, "inputs"));

        foreach (var input in Keys(Map(call, "inputs")).Where(actionInputs.Contains))
        {
            ((YamlScalarNode)with[input]).Value.Should().Be($"${{{{ inputs.{input} }}}}");
        }

        ((YamlScalarNode)with["kubeconfig"]).Value.Should().Be("${{ secrets.kubeconfig }}");
        Keys(Map(call, "outputs")).Should().BeSubsetOf(Keys(Map(Action, "outputs")));
        Keys(Map(Workflow, "permissions")).Should().BeEquivalentTo("contents", "deployments", "pull-requests", "statuses");
        Map(job, "environment").Children.Should().ContainKey(new YamlScalarNode("name"));
    }

    [Fact]
    public void TheGitOpsWorkflow_RunsModeGitOps_ForwardingItsInputsToTheAction_WithAFullCheckout()
    {
        var gitops = Load(".github/workflows/gitops-watch.yml");
        var call = Map(Map(gitops, "on"), "workflow_call");
        var job = Map(Map(gitops, "jobs"), "watch");
        var steps = ((YamlSequenceNode)job["steps"]).Children.OfType<YamlMappingNode>().ToList();
        var with = Map(steps.Single(s => s.Children.ContainsKey(new YamlScalarNode("id"))), "with");
        var actionInputs = Keys(Map(Action, "inputs"));

        ((YamlScalarNode)with["mode"]).Value.Should().Be("gitops");
        Keys(with).Should().BeSubsetOf(actionInputs);
        foreach (var input in Keys(Map(call, "inputs")).Where(actionInputs.Contains))
        {
            ((YamlScalarNode)with[input]).Value.Should().Be($"${{{{ inputs.{input} }}}}");
        }

        ((YamlScalarNode)with["argocd-token"]).Value.Should().Be("${{ secrets.argocd-token }}");
        ((YamlScalarNode)Map(steps[0], "with")["fetch-depth"]).Value.Should().Be("0", "a shallow merge commit has no parents to revert against");
        Keys(Map(call, "outputs")).Should().BeSubsetOf(Keys(Map(Action, "outputs")));
        Keys(Map(gitops, "permissions")).Should().BeEquivalentTo("contents", "pull-requests");
    }

    private static YamlMappingNode DeployStep() =>
        ((YamlSequenceNode)Map(Action, "runs")["steps"]).Children.OfType<YamlMappingNode>()
            .Single(s => s.Children.TryGetValue(new YamlScalarNode("id"), out var id) && ((YamlScalarNode)id).Value == "deploy");

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static List<string> Keys(YamlMappingNode node) => [.. node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    private static YamlMappingNode Load(string relative)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Tools.RepoRoot, relative));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
