using CsCheck;
using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Properties;

/// <summary>Generators and checks for the deploy request's properties: hostile requests and inputs that hold secrets,
/// helm flag arguments in every form pflag reads.</summary>
internal static class DeployGenerators
{
    // Secrets worth masking: SecretMasker ignores shorter ones, and masking with "***" can make a secret holding '*' appear.
    public static readonly Gen<string> Secret = Generators.Text.Where(s => s.Trim().Length >= SecretMasker.MinimumLength && !s.Contains('*', StringComparison.Ordinal));

    // Every error is about a known input (or names the unknown input it is about), says something, and shows no secret.
    public static void CheckErrors(IReadOnlyList<InputError> errors, IEnumerable<string> secrets, IReadOnlyCollection<string> unknownInputs)
    {
        var maskable = secrets.Where(s => s.Trim().Length >= SecretMasker.MinimumLength && !s.Contains('*', StringComparison.Ordinal))
            .SelectMany(s => new[] { s, s.Trim() }).Distinct(StringComparer.Ordinal).ToList();
        foreach (var error in errors)
        {
            // An unknown input's error is about that input; its words are masked like any message, so a short secret
            // such as "n i" turns "unknown input" into "unknow***nput": the input it names says what it is about.
            var known = DeployInputNames.All.Contains(error.Input) || unknownInputs.Contains(error.Input);
            if (!known || string.IsNullOrWhiteSpace(error.Message) || maskable.Any(s => error.Message.Contains(s, StringComparison.Ordinal)))
            {
                (DeployInputNames.All.Contains(error.Input) || unknownInputs.Contains(error.Input)).Should().BeTrue("{0} is neither a known input nor one of the unknown ones given", Generators.Show(error.Input));
                error.Message.Should().NotBeNullOrWhiteSpace();
                foreach (var secret in maskable)
                {
                    error.Message.Should().NotContain(secret, "the secret {0} must be masked in {1}", Generators.Show(secret), Generators.Show(error.Message));
                }
            }
        }
    }

    private static readonly Gen<string> FlagValue = Gen.Frequency(
        (3, Gen.OneOf("prod", "x=y", "", "1m", "true", "false", "-n", "--namespace", "a b")),
        (1, Generators.Text));

    public static readonly Gen<string> FlagArgument = Gen.Frequency(
        (4, Gen.OneOf(PflagModel.LongFlags).Select(f => "--" + f)),
        (4, Gen.Select(Gen.OneOf(PflagModel.LongFlags), FlagValue, (f, v) => "--" + f + "=" + v)),
        (2, Gen.OneOf(PflagModel.LongFlags).Select(f => "-" + f)),
        (4, Gen.Select(Gen.String[Gen.Char["hinfolxaHN"], 1, 4], FlagValue, (cluster, v) => "-" + cluster + v)),
        (2, Gen.Select(Gen.Char["hinfol"], FlagValue, (c, v) => "-" + c + "=" + v)),
        (1, Gen.OneOf(PflagModel.LongFlags).Select(f => "--" + f.ToUpperInvariant())),
        (1, Gen.OneOf(PflagModel.LongFlags).Select(f => "---" + f)),
        (1, FlagValue),
        (1, Generators.Text));

    // A field: hostile text, now and then a valid value, and, when there are secrets, text holding one.
    private static Gen<string> Field(string[] secrets, params string[] valid)
    {
        var hostile = secrets.Length == 0
            ? Generators.Hostile
            : Gen.Frequency(
                (4, Generators.Hostile),
                (2, Gen.Select(Generators.Text, Gen.OneOf(secrets), Generators.Text, (before, secret, after) => before + secret + after)),
                (1, Gen.OneOf(secrets)));
        return valid.Length == 0 ? hostile : Gen.Frequency((2, hostile), (1, Gen.OneOf(valid)));
    }

    private static readonly Gen<TimeSpan> Duration = Gen.Frequency(
        (3, Gen.Long[-TimeSpan.TicksPerHour, TimeSpan.TicksPerDay * 2].Select(TimeSpan.FromTicks)),
        (1, Gen.Long.Select(TimeSpan.FromTicks)));

    /// <summary>Requests with hostile fields, now and then valid ones, holding the secrets they declare.</summary>
    public static Gen<DeployRequest> Requests(string chart, string file) =>
        from secrets in Secret.Array[0, 3]
        from texts in Field(secrets, "web", "repo/web", "oci://registry.example.com/charts/web", chart, file, "default", "watcher", "1.2.3", "kind-dev").Array[11]
        from lists in Field(secrets, "image.tag=1.2.3", "config=" + file, "--skip-crds", file).Array[0, 3].Array[5]
        from numbers in Gen.Int.Array[2]
        from durations in Duration.Array[4]
        from nullDuration in Gen.Bool
        from flags in Gen.Bool.Array[6]
        select new DeployRequest
        {
            Release = texts[0],
            Chart = texts[1],
            Namespace = texts[2],
            ChartVersion = texts[3],
            WaitStrategy = texts[4],
            KubeContext = texts[5],
            Kubeconfig = texts[6],
            HelmPath = texts[7],
            Description = texts[8],
            ValuesFiles = lists[0],
            Set = lists[1],
            SetString = lists[2],
            SetFile = lists[3],
            ExtraArgs = lists[4],
            Secrets = secrets,
            HistoryMax = numbers[0],
            RestartThreshold = numbers[1],
            Timeout = durations[0],
            RollbackTimeout = nullDuration ? null : durations[1],
            StaleLockMargin = durations[2],
            UnschedulableGrace = durations[3],
            WaitForJobs = flags[0],
            CreateNamespace = flags[1],
            Force = flags[2],
            ReuseValues = flags[3],
            ResetValues = flags[4],
            FailFast = flags[5],
        };

    // verify names a file that the validator reads: a generated value would have the properties read arbitrary paths.
    // Its mapping is covered by DeployInputsVerifyTests.
    private static readonly string[] GeneratedNames = [.. DeployInputNames.All.Where(n => n != DeployInputNames.Verify)];

    /// <summary>Named inputs, known (but <c>verify</c>) and unknown, with hostile values, holding the secrets their
    /// <c>secrets</c> input declares.</summary>
    public static Gen<Dictionary<string, IReadOnlyList<string>>> Inputs(string chart) =>
        from secrets in Secret.Array[0, 3]
        from names in Gen.Frequency((8, Gen.OneOf(GeneratedNames)), (1, Generators.Text)).Array[0, 12]
        from values in Field(secrets, "web", "repo/web", chart, "true", "no", "5m", "0", "10", "-1", "image.tag=1").Array[0, 3].Array[12]
        select ToInputs(names, values, secrets);

    private static Dictionary<string, IReadOnlyList<string>> ToInputs(string[] names, string[][] values, string[] secrets)
    {
        var inputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            inputs[names[i]] = values[i];
        }

        if (secrets.Length > 0)
        {
            inputs[DeployInputNames.Secrets] = [string.Join("\n", secrets)];
        }

        return inputs;
    }

    public static string Show(DeployRequest request) =>
        $"new DeployRequest {{ Release = {Generators.Show(request.Release)}, Chart = {Generators.Show(request.Chart)}, " +
        $"Namespace = {Generators.Show(request.Namespace)}, ChartVersion = {Generators.Show(request.ChartVersion)}, " +
        $"WaitStrategy = {Generators.Show(request.WaitStrategy)}, KubeContext = {Generators.Show(request.KubeContext)}, " +
        $"Kubeconfig = {Generators.Show(request.Kubeconfig)}, HelmPath = {Generators.Show(request.HelmPath)}, " +
        $"Description = {Generators.Show(request.Description)}, ValuesFiles = {Generators.Show(request.ValuesFiles)}, " +
        $"Set = {Generators.Show(request.Set)}, SetString = {Generators.Show(request.SetString)}, SetFile = {Generators.Show(request.SetFile)}, " +
        $"ExtraArgs = {Generators.Show(request.ExtraArgs)}, Secrets = {Generators.Show(request.Secrets)}, HistoryMax = {request.HistoryMax}, " +
        $"RestartThreshold = {request.RestartThreshold}, Timeout = {request.Timeout.Ticks}, RollbackTimeout = {request.RollbackTimeout?.Ticks}, " +
        $"StaleLockMargin = {request.StaleLockMargin.Ticks}, UnschedulableGrace = {request.UnschedulableGrace.Ticks} }}";

    public static string Show(Dictionary<string, IReadOnlyList<string>> inputs) =>
        "{ " + string.Join(", ", inputs.Select(i => $"[{Generators.Show(i.Key)}] = {Generators.Show(i.Value)}")) + " }";
}
