using CsCheck;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// The request's checks against hostile input: <see cref="DeployRequestValidator"/> and <see cref="ChartReference.Classify"/>
/// never crash; every error names a known input and shows no secret; what the validator accepts gives helm no flag the
/// engine owns, as pflag reads helm's arguments (<see cref="PflagModel"/>).
/// </summary>
public sealed class DeployRequestValidatorProperties : IDisposable
{
    private static readonly HelmVersion[] Versions = [new(3, 17, 2, "v3.17.2"), new(4, 0, 1, "v4.0.1")];

    private readonly string _root;
    private readonly string _chart;
    private readonly string _file;

    public DeployRequestValidatorProperties()
    {
        _root = Directory.CreateTempSubdirectory("helm-sentinel-properties-").FullName;
        _chart = Path.Combine(_root, "web");
        Directory.CreateDirectory(_chart);
        File.WriteAllText(Path.Combine(_chart, "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
        _file = Path.Combine(_root, "values.yaml");
        File.WriteAllText(_file, "a: 1\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Validate_OfAnyRequest_NamesKnownInputs_AndShowsNoSecret() =>
        DeployGenerators.Requests(_chart, _file).Sample(request =>
        {
            var errors = DeployRequestValidator.Validate(request);

            DeployGenerators.CheckErrors(errors, request.Secrets, unknownInputs: []);
        }, iter: Generators.Iterations, threads: 1, print: DeployGenerators.Show);

    [Fact]
    public void AnAcceptedRequest_GivesHelmNoOwnedFlagInItsExtraArguments() =>
        Gen.Select(DeployGenerators.FlagArgument.Array[0, 5], Gen.Bool, Gen.Int[0, 1]).Sample((arguments, throughInputs, major) =>
        {
            DeployRequest request;
            if (throughInputs)
            {
                // As the action and the task pass them: lines of words.
                var (parsed, _) = DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>>
                {
                    [DeployInputNames.Release] = ["web"],
                    [DeployInputNames.Chart] = ["repo/web"],
                    [DeployInputNames.ExtraArgs] = [string.Join(arguments.Length % 2 == 0 ? " " : "\n", arguments)],
                });
                if (parsed is null)
                {
                    return;
                }

                request = parsed;
            }
            else
            {
                request = new DeployRequest { Release = "web", Chart = "repo/web", ExtraArgs = arguments };
            }

            if (DeployRequestValidator.Validate(request).Count > 0)
            {
                return;
            }

            var helm = HelmArguments.Upgrade(request.ToHelmUpgrade(), Versions[major]);
            var extra = helm.Skip(helm.Count - request.ExtraArgs.Count).ToList();
            extra.Should().Equal(request.ExtraArgs);
            foreach (var argument in extra)
            {
                HelmArguments.OwnedFlagOf(argument).Should().BeNull("{0} was accepted", Generators.Show(argument));
                PflagModel.FlagsSetBy(argument).Intersect(PflagModel.Refused).Should().BeEmpty("helm would read {0} as that flag", Generators.Show(argument));
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, throughInputs: {t.Item2}, helm {3 + t.Item3})");

    [Fact]
    public void Classify_OfAnyReference_NeverThrows_AndTellsTheFormsApart() =>
        Gen.Frequency(
            (3, Generators.Hostile),
            (1, Gen.Select(Gen.OneOf("oci://", "OCI://", "repo/", "./", "/", "https://", "~/", "C:\\"), Generators.Text, (prefix, rest) => prefix + rest))).Sample(chart =>
        {
            var kind = ChartReference.Classify(chart);

            if (string.IsNullOrWhiteSpace(chart) || chart.Trim() != chart)
            {
                kind.Should().Be(ChartKind.Invalid);
            }
            else if (chart.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
            {
                kind.Should().BeOneOf(ChartKind.Oci, ChartKind.Invalid);
            }
            else if (chart.Contains("://", StringComparison.Ordinal))
            {
                kind.Should().Be(ChartKind.Invalid);
            }
            else
            {
                kind.Should().NotBe(ChartKind.Oci);
            }
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    // Shrunk counterexample: helm upgrade --help prints the help and exits 0, and the deploy was reported a success.
    [Fact]
    public void Validate_HelpAsAnExtraArgument_IsRefused()
    {
        var errors = DeployRequestValidator.Validate(new DeployRequest { Release = "web", Chart = "repo/web", ExtraArgs = ["--help"] });

        errors.Should().ContainSingle(e => e.Input == "extra-args").Which.Message.Should().Contain("is not allowed: helm would print its help and exit 0");
        HelmArguments.OwnedFlagOf("-hn=prod").Should().Be("help");
    }
}
