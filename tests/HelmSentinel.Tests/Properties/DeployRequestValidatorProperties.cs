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
}
