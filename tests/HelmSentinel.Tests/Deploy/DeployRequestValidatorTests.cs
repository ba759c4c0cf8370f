using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Deploy;

public sealed class DeployRequestValidatorTests : IDisposable
{
    private readonly string _root;
    private readonly string _chartDir;
    private readonly string _archive;
    private readonly string _valuesFile;
    private readonly string _kubeconfig;

    public DeployRequestValidatorTests()
    {
        _root = Directory.CreateTempSubdirectory("helm-sentinel-validator-").FullName;
        _chartDir = Path.Combine(_root, "web");
        Directory.CreateDirectory(_chartDir);
        File.WriteAllText(Path.Combine(_chartDir, "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
        _archive = Path.Combine(_root, "web-1.0.0.tgz");
        File.WriteAllBytes(_archive, [0x1f, 0x8b]);
        _valuesFile = Path.Combine(_root, "values.yaml");
        File.WriteAllText(_valuesFile, "replicaCount: 2\n");
        _kubeconfig = Path.Combine(_root, "kubeconfig");
        File.WriteAllText(_kubeconfig, "apiVersion: v1\nkind: Config\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DeployRequest Valid() => new()
    {
        Release = "web",
        Chart = _chartDir,
        Namespace = "shop",
        ValuesFiles = [_valuesFile],
        Set = ["image.tag=1.2.3"],
        SetString = ["podAnnotations.build=0042"],
        SetFile = ["config=" + _valuesFile],
        Kubeconfig = _kubeconfig,
        KubeContext = "kind-dev",
        ExtraArgs = ["--skip-crds", "--post-renderer=kustomize", "--take-ownership"],
    };

    private static InputError Single(IReadOnlyList<InputError> errors, string input)
    {
        errors.Should().ContainSingle(e => e.Input == input, "errors were: {0}", string.Join(" / ", errors));
        return errors.Single(e => e.Input == input);
    }

    [Fact]
    public void Validate_ValidRequest_ReturnsNoErrors()
    {
        DeployRequestValidator.Validate(Valid()).Should().BeEmpty();
    }

    [Fact]
    public void Validate_DefaultsWithRepositoryChart_ReturnsNoErrors()
    {
        var request = new DeployRequest { Release = "web", Chart = "bitnami/nginx", ChartVersion = "15.1.0" };

        DeployRequestValidator.Validate(request).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Web")]
    [InlineData("web_app")]
    [InlineData("-web")]
    [InlineData("web-")]
    [InlineData("web.app")]
    [InlineData("web app")]
    public void Validate_InvalidReleaseName_NamesItAndTheRule(string release)
    {
        var errors = DeployRequestValidator.Validate(Valid() with { Release = release });

        var error = Single(errors, "release");
        error.Message.Should().Contain($"'{release}'").And.Contain("DNS-1123").And.Contain("lower-case");
    }

    [Fact]
    public void Validate_ReleaseOf54Characters_SaysHelmsLimitIs53()
    {
        var errors = DeployRequestValidator.Validate(Valid() with { Release = new string('a', 54) });

        Single(errors, "release").Message.Should().Contain("54 characters").And.Contain("at most 53");
    }

    [Fact]
    public void Validate_ReleaseOf53Characters_IsAccepted()
    {
        DeployRequestValidator.Validate(Valid() with { Release = new string('a', 53) }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_EmptyRelease_SaysWhatIsExpected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { Release = "" }), "release").Message.Should().Contain("empty");
    }

    [Theory]
    [InlineData("Shop")]
    [InlineData("shop_1")]
    [InlineData("")]
    public void Validate_InvalidNamespace_IsRejected(string ns)
    {
        Single(DeployRequestValidator.Validate(Valid() with { Namespace = ns }), "namespace");
    }

    [Fact]
    public void Validate_NamespaceOf64Characters_SaysTheLimitIs63()
    {
        var errors = DeployRequestValidator.Validate(Valid() with { Namespace = new string('n', 64) });

        Single(errors, "namespace").Message.Should().Contain("at most 63");
    }

    [Fact]
    public void Validate_ArchiveChart_IsAccepted()
    {
        DeployRequestValidator.Validate(Valid() with { Chart = _archive }).Should().BeEmpty();
    }

    [Theory]
    [InlineData("oci://registry.example.com/charts/web")]
    [InlineData("oci://localhost:5000/web")]
    [InlineData("bitnami/nginx")]
    [InlineData("my-repo/my_chart.v2")]
    public void Validate_RemoteChart_IsAccepted(string chart)
    {
        DeployRequestValidator.Validate(Valid() with { Chart = chart }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_MissingChartDirectory_NamesThePath()
    {
        var missing = Path.Combine(_root, "nope");

        var error = Single(DeployRequestValidator.Validate(Valid() with { Chart = missing }), "chart");

        error.Message.Should().Contain($"'{missing}'").And.Contain("does not exist");
    }

    [Theory]
    [InlineData("./charts/web")]
    [InlineData("../web")]
    [InlineData("charts/web/sub")]
    [InlineData("missing-1.0.0.tgz")]
    public void Validate_MissingRelativePath_SaysItDoesNotExistAndWhereItLooked(string chart)
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { Chart = chart }), "chart");

        error.Message.Should().Contain($"'{chart}'").And.Contain("does not exist").And.Contain("looked for");
    }

    [Fact]
    public void Validate_TildePath_ExplainsThatTildeIsNotExpanded()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { Chart = "~/charts/web-no-such" }), "chart");

        error.Message.Should().Contain("'~' is not expanded");
    }

    [Fact]
    public void Validate_DirectoryWithoutChartYaml_SaysItIsNotAChart()
    {
        var empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(empty);

        var error = Single(DeployRequestValidator.Validate(Valid() with { Chart = empty }), "chart");

        error.Message.Should().Contain("no Chart.yaml");
    }

    [Theory]
    [InlineData("")]
    [InlineData("nginx")]
    [InlineData("a/b c")]
    [InlineData("oci://")]
    [InlineData("oci://host-only")]
    [InlineData("https://example.com/web-1.0.0.tgz")]
    [InlineData(" bitnami/nginx")]
    public void Validate_InvalidChartReference_ListsTheAcceptedForms(string chart)
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { Chart = chart }), "chart");

        error.Message.Should().ContainAny("repo/name", "oci://");
    }

    [Fact]
    public void Validate_ChartThatIsAPlainFile_SaysItIsNotAPackagedChart()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { Chart = _valuesFile }), "chart");

        error.Message.Should().Contain("not a packaged chart");
    }

    [Fact]
    public void Classify_EachForm_ReturnsItsKind()
    {
        ChartReference.Classify(_chartDir).Should().Be(ChartKind.LocalDirectory);
        ChartReference.Classify(_archive).Should().Be(ChartKind.Archive);
        ChartReference.Classify("./missing").Should().Be(ChartKind.LocalDirectory);
        ChartReference.Classify("missing.tgz").Should().Be(ChartKind.Archive);
        ChartReference.Classify("bitnami/nginx").Should().Be(ChartKind.Repository);
        ChartReference.Classify("oci://ghcr.io/acme/charts/web").Should().Be(ChartKind.Oci);
        ChartReference.Classify("OCI://ghcr.io/acme/web").Should().Be(ChartKind.Oci);
        ChartReference.Classify("nginx").Should().Be(ChartKind.Invalid);
        ChartReference.Classify("").Should().Be(ChartKind.Invalid);
        ChartReference.Classify(null).Should().Be(ChartKind.Invalid);
        ChartReference.Classify("oci://ghcr.io/").Should().Be(ChartKind.Invalid);
        ChartReference.Classify("https://x/y.tgz").Should().Be(ChartKind.Invalid);
    }

    [Fact]
    public void Classify_ExistingDirectoryInRepoNameForm_PrefersTheLocalDirectoryLikeHelm()
    {
        var current = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _root;
            Directory.CreateDirectory(Path.Combine(_root, "charts", "web"));

            ChartReference.Classify("charts/web").Should().Be(ChartKind.LocalDirectory);
            ChartReference.Classify("charts/api").Should().Be(ChartKind.Repository);
        }
        finally
        {
            Environment.CurrentDirectory = current;
        }
    }

    [Fact]
    public void Validate_MissingValuesFile_NamesThePath()
    {
        var missing = Path.Combine(_root, "prod.yaml");

        var error = Single(DeployRequestValidator.Validate(Valid() with { ValuesFiles = [_valuesFile, missing] }), "values");

        error.Message.Should().Contain($"'{missing}'").And.Contain("does not exist");
    }

    [Fact]
    public void Validate_ValuesFileThatIsADirectory_IsRejected()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { ValuesFiles = [_root] }), "values");

        error.Message.Should().Contain("is a folder");
    }

    [Fact]
    public void Validate_EmptyValuesEntry_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { ValuesFiles = [""] }), "values").Message.Should().Contain("#1");
    }

    [Theory]
    [InlineData("a=")]
    [InlineData("a=b=c")]
    [InlineData("list={a,b,c}")]
    [InlineData("a=1,b=2")]
    [InlineData("servers[0].port=80")]
    [InlineData(@"podAnnotations.prometheus\.io/scrape=true")]
    [InlineData(@"nodeSelector.kubernetes\.io/os=linux")]
    [InlineData("under_score-dash.x=1")]
    public void Validate_WellFormedSetItem_IsAccepted(string item)
    {
        DeployRequestValidator.Validate(Valid() with { Set = [item], SetString = [item] }).Should().BeEmpty();
    }

    [Theory]
    [InlineData("noequals", "no '='")]
    [InlineData("=value", "empty key")]
    [InlineData("a b=1", "white space")]
    [InlineData("a:b=1", "contains ':'")]
    [InlineData("a{b}=1", "contains '{'")]
    [InlineData(@"a\", "no '='")]
    [InlineData("", "#1")]
    public void Validate_MalformedSetItem_SaysWhatIsWrong(string item, string expected)
    {
        var errors = DeployRequestValidator.Validate(Valid() with { Set = [item], SetString = [item] });

        Single(errors, "set").Message.Should().Contain(expected).And.Contain("key=value");
        Single(errors, "set-string").Message.Should().Contain(expected);
    }

    [Fact]
    public void Validate_SetKeyWithEscapedEquals_SplitsAtTheFirstUnescapedEquals()
    {
        DeployRequestValidator.Validate(Valid() with { Set = [@"a\=b=1", @"c\\=2"] }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_SetFileWithMissingPath_NamesThePathAndKey()
    {
        var missing = Path.Combine(_root, "cert.pem");

        var error = Single(DeployRequestValidator.Validate(Valid() with { SetFile = ["tls.crt=" + missing] }), "set-file");

        error.Message.Should().Contain($"'{missing}'").And.Contain("'tls.crt'").And.Contain("does not exist");
    }

    [Theory]
    [InlineData("config")]
    [InlineData("config=")]
    [InlineData("=x")]
    public void Validate_MalformedSetFile_IsRejected(string item)
    {
        Single(DeployRequestValidator.Validate(Valid() with { SetFile = [item] }), "set-file").Message.Should().Contain("key=path");
    }

    [Fact]
    public void Validate_SecretInSetItem_IsMaskedInTheMessage()
    {
        var request = Valid() with { Set = ["password hunter2"], Secrets = ["hunter2"] };

        var error = Single(DeployRequestValidator.Validate(request), "set");

        error.Message.Should().NotContain("hunter2").And.Contain("password ***");
    }

    [Fact]
    public void Validate_SecretInMissingFilePath_IsMaskedInTheMessage()
    {
        var request = Valid() with { ValuesFiles = ["/tmp/s3cr3t-token/values.yaml"], Secrets = ["s3cr3t-token"] };

        var error = Single(DeployRequestValidator.Validate(request), "values");

        error.Message.Should().NotContain("s3cr3t-token");
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("v1.2.3")]
    [InlineData("^1.2")]
    [InlineData("~1.2.0")]
    [InlineData(">=1.0 <2")]
    [InlineData(">=1.0, <2.0")]
    [InlineData("1.x")]
    [InlineData("*")]
    [InlineData("1.2.3-rc.1+build.5")]
    public void Validate_PlausibleVersionWithRepositoryChart_IsAccepted(string version)
    {
        var request = Valid() with { Chart = "oci://ghcr.io/acme/web", ChartVersion = version };

        DeployRequestValidator.Validate(request).Should().BeEmpty();
    }

    [Theory]
    [InlineData("1.2 3")]
    [InlineData(" 1.2.3")]
    [InlineData("latest")]
    [InlineData("1.2.3;rm")]
    [InlineData("  ")]
    public void Validate_ImplausibleVersion_SaysWhatIsExpected(string version)
    {
        var request = Valid() with { Chart = "acme/web", ChartVersion = version };

        Single(DeployRequestValidator.Validate(request), "version").Message.Should().Contain("1.2.3");
    }

    [Fact]
    public void Validate_VersionWithLocalChart_ExplainsThatItWouldBeIgnored()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { ChartVersion = "1.2.3" }), "version");

        error.Message.Should().Contain("only to repository and OCI charts").And.Contain("Chart.yaml");
    }

    [Fact]
    public void Validate_VersionWithArchive_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { Chart = _archive, ChartVersion = "1.0.0" }), "version");
    }

    [Fact]
    public void Validate_EmptyVersion_MeansUnset()
    {
        DeployRequestValidator.Validate(Valid() with { ChartVersion = "" }).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void Validate_NonPositiveTimeout_IsRejected(int seconds)
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { Timeout = TimeSpan.FromSeconds(seconds) }), "timeout");

        error.Message.Should().Contain("positive");
    }

    [Fact]
    public void Validate_TimeoutOver24Hours_IsRejected()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { Timeout = TimeSpan.FromHours(25) }), "timeout");

        error.Message.Should().Contain("25h0m0s").And.Contain("24h");
    }

    [Fact]
    public void Validate_TimeoutOfExactly24Hours_IsAccepted()
    {
        DeployRequestValidator.Validate(Valid() with { Timeout = TimeSpan.FromHours(24) }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_ZeroRollbackTimeout_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { RollbackTimeout = TimeSpan.Zero }), "rollback-timeout")
            .Message.Should().Contain("positive");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(256)]
    public void Validate_HistoryMaxZeroOrAtLeastTwo_IsAccepted(int historyMax)
    {
        DeployRequestValidator.Validate(Valid() with { HistoryMax = historyMax }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_HistoryMaxOne_ExplainsThatItPrunesTheLastGoodRevision()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { HistoryMax = 1 }), "history-max");

        error.Message.Should().Contain("last good revision").And.Contain("0 (unlimited");
    }

    [Fact]
    public void Validate_NegativeHistoryMax_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { HistoryMax = -1 }), "history-max").Message.Should().Contain("-1");
    }

    [Theory]
    [InlineData("watcher")]
    [InlineData("legacy")]
    public void Validate_WaitStrategyThatWaits_IsAccepted(string strategy)
    {
        DeployRequestValidator.Validate(Valid() with { WaitStrategy = strategy }).Should().BeEmpty();
    }

    [Theory]
    [InlineData("hookOnly")]
    [InlineData("hookonly")]
    public void Validate_HookOnly_ExplainsThatFailuresWouldGoUnnoticed(string strategy)
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { WaitStrategy = strategy }), "wait");

        error.Message.Should().Contain("hooks only").And.Contain("watcher").And.Contain("legacy");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("Watcher")]
    [InlineData("")]
    public void Validate_UnknownWaitStrategy_ListsTheValidOnes(string strategy)
    {
        Single(DeployRequestValidator.Validate(Valid() with { WaitStrategy = strategy }), "wait")
            .Message.Should().Contain("watcher").And.Contain("legacy");
    }

    [Fact]
    public void Validate_ReuseAndResetValues_AreMutuallyExclusive()
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { ReuseValues = true, ResetValues = true }), "reuse-values");

        error.Message.Should().Contain("mutually exclusive");
    }

    [Fact]
    public void Validate_KubeContextWithWhiteSpace_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { KubeContext = "my context" }), "kube-context");
    }

    [Fact]
    public void Validate_MissingKubeconfig_NamesThePath()
    {
        var missing = Path.Combine(_root, "nokube");

        Single(DeployRequestValidator.Validate(Valid() with { Kubeconfig = missing }), "kubeconfig")
            .Message.Should().Contain($"'{missing}'");
    }

    [Fact]
    public void Validate_EmptyOptionalStrings_MeanUnset()
    {
        DeployRequestValidator.Validate(Valid() with { Kubeconfig = "", KubeContext = "" }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_EmptyHelmPath_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { HelmPath = " " }), "helm");
    }

    [Fact]
    public void Validate_NegativeStaleLockMargin_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { StaleLockMargin = TimeSpan.FromSeconds(-1) }), "stale-lock-margin");
    }

    [Theory]
    [InlineData("--atomic", null)]
    [InlineData("--rollback-on-failure", null)]
    [InlineData("--cleanup-on-fail", null)]
    [InlineData("--install", null)]
    [InlineData("-i", null)]
    [InlineData("--dry-run=server", null)]
    [InlineData("--output=json", null)]
    [InlineData("-o", null)]
    [InlineData("--wait", "wait")]
    [InlineData("--wait=legacy", "wait")]
    [InlineData("--wait-for-jobs", "wait-for-jobs")]
    [InlineData("--timeout=10m", "timeout")]
    [InlineData("--history-max=3", "history-max")]
    [InlineData("--namespace=prod", "namespace")]
    [InlineData("-n", "namespace")]
    [InlineData("-nprod", "namespace")]
    [InlineData("--kube-context=x", "kube-context")]
    [InlineData("--kubeconfig=/x", "kubeconfig")]
    [InlineData("--create-namespace", "create-namespace")]
    [InlineData("--version=1.0.0", "version")]
    [InlineData("--values=x.yaml", "values")]
    [InlineData("-f", "values")]
    [InlineData("--set=a=b", "set")]
    [InlineData("--set-string=a=b", "set-string")]
    [InlineData("--set-file=a=b", "set-file")]
    [InlineData("--description=x", "description")]
    [InlineData("--force", "force")]
    [InlineData("--force-replace", "force")]
    [InlineData("--reuse-values", "reuse-values")]
    [InlineData("--reset-values", "reset-values")]
    public void Validate_FlagTheEngineOwns_IsRejectedNamingItsInput(string flag, string? input)
    {
        var error = Single(DeployRequestValidator.Validate(Valid() with { ExtraArgs = [flag] }), "extra-args");

        error.Message.Should().Contain($"'{flag}'");
        if (input is null)
        {
            error.Message.Should().Contain("not allowed").And.Contain("remove it");
        }
        else
        {
            error.Message.Should().Contain($"'{input}' input");
        }
    }

    [Theory]
    [InlineData("--skip-crds")]
    [InlineData("--take-ownership")]
    [InlineData("--set-json=a={}")]
    [InlineData("--wait-for-something")]
    [InlineData("--server-side=true")]
    [InlineData("--debug")]
    public void Validate_OtherFlags_AreAccepted(string flag)
    {
        DeployRequestValidator.Validate(Valid() with { ExtraArgs = [flag] }).Should().BeEmpty();
    }

    [Theory]
    [InlineData("skip-crds")]
    [InlineData("--")]
    [InlineData("")]
    public void Validate_ExtraArgThatIsNotAFlag_IsRejected(string arg)
    {
        Single(DeployRequestValidator.Validate(Valid() with { ExtraArgs = [arg] }), "extra-args");
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachInInputOrder()
    {
        var request = Valid() with { Release = "Bad", Namespace = "Bad", HistoryMax = 1, WaitStrategy = "hookOnly" };

        var errors = DeployRequestValidator.Validate(request);

        errors.Select(e => e.Input).Should().Equal("release", "namespace", "history-max", "wait");
    }

    [Fact]
    public void InputError_ToString_PrefixesTheInput()
    {
        new InputError("release", "is empty").ToString().Should().Be("release: is empty");
    }

    [Fact]
    public void EveryOwnedFlag_IsRefusedAsAnExtraArgument_NamingItsInputOrWhyNot()
    {
        foreach (var flag in HelmArguments.OwnedFlags)
        {
            var error = Single(DeployRequestValidator.Validate(Valid() with { ExtraArgs = ["--" + flag] }), "extra-args");

            error.Message.Should().MatchRegex(@"is set by helm-sentinel from the '[a-z-]+' input|is not allowed: .+; remove it\.", "--" + flag);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Validate_RestartThresholdBelowOne_IsRejected(int threshold)
    {
        Single(DeployRequestValidator.Validate(Valid() with { RestartThreshold = threshold }), "restart-threshold")
            .Message.Should().Contain("expected at least 1");
    }

    [Fact]
    public void Validate_NegativeUnschedulableGrace_IsRejected()
    {
        Single(DeployRequestValidator.Validate(Valid() with { UnschedulableGrace = TimeSpan.FromSeconds(-1) }), "unschedulable-grace");
    }
}
