using CsCheck;
using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// <see cref="DeployInputs"/> against hostile input: <see cref="DeployInputs.Parse"/> never crashes, every error names a
/// known input (or the unknown one it is about) and shows no secret, and what it builds passes through the validator;
/// <see cref="DeployInputs.ExtraArguments"/> cuts a line into non-empty pieces of it.
/// </summary>
public sealed class DeployInputsProperties
{
    [Fact]
    public void Parse_OfAnyInputs_NamesKnownInputs_ShowsNoSecret_AndWhatItBuildsValidates() =>
        DeployGenerators.Inputs("repo/web").Sample(inputs =>
        {
            var (request, errors) = DeployInputs.Parse(inputs);

            var secrets = inputs.TryGetValue(DeployInputNames.Secrets, out var given) ? given.SelectMany(v => v.Split('\n')).Select(v => v.Trim()).ToList() : [];
            DeployGenerators.CheckErrors(errors, secrets, unknownInputs: [.. inputs.Keys.Where(k => !DeployInputNames.All.Contains(k))]);
            if (request is not null)
            {
                errors.Should().BeEmpty();
                DeployGenerators.CheckErrors(DeployRequestValidator.Validate(request), request.Secrets, unknownInputs: []);
            }
        }, iter: Generators.Iterations, threads: 1, print: DeployGenerators.Show);

    [Fact]
    public void ExtraArguments_OfAnyLine_AreNonEmptyPiecesOfIt() =>
        Generators.Hostile.Sample(line =>
        {
            var arguments = DeployInputs.ExtraArguments(line);

            var pieces = arguments.All(a => a.Trim().Length > 0 && line.Contains(a, StringComparison.Ordinal));
            pieces.Should().BeTrue("{0} are pieces of {1}", Generators.Show(arguments), Generators.Show(line));
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    // Shrunk counterexample: Parse's own messages were not masked ("e.g. web." with the secret "web").
    [Fact]
    public void Parse_MasksTheSecretsInItsMessages()
    {
        var (_, errors) = DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>> { ["secrets"] = ["web"] });

        errors.Should().ContainSingle(e => e.Input == "release").Which.Message.Should().Be("is required: the Helm release name, e.g. ***.");
    }

    // The case that matters: a secret given to the wrong input was quoted back in clear.
    [Fact]
    public void Parse_ASecretInTheWrongInput_IsMaskedInItsError()
    {
        var (_, errors) = DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>>
        {
            ["release"] = ["web"],
            ["chart"] = ["repo/web"],
            ["timeout"] = ["ghp_s3cr3tT0ken"],
            ["secrets"] = ["ghp_s3cr3tT0ken"],
        });

        errors.Should().ContainSingle().Which.Message.Should().Be("'***' is not a positive duration; expected a Go duration such as 5m, 90s or 1h30m, or hh:mm:ss.");
    }

    // Shrunk counterexample: a line of white space other than spaces and tabs gave one empty argument.
    [Fact]
    public void ExtraArguments_OfALineOfWhiteSpace_IsNothing()
    {
        DeployInputs.ExtraArguments("\n").Should().BeEmpty();
    }
}
