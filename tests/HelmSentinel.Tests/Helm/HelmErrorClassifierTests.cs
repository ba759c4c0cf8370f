using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Helm;

public class HelmErrorClassifierTests
{
    private const string Refused = "Get \"https://127.0.0.1:1/version\": dial tcp 127.0.0.1:1: connect: connection refused";

    // Real texts from both helm versions (helm-cli.md §4 and schema-template-errors.txt), with the prefixes
    // each command really adds: "Error: " always, "UPGRADE FAILED: " on the upgrade path only.
    public static TheoryData<string, HelmErrorClass> RealTexts => new()
    {
        // Helm's own recovery failed.
        { "Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: context deadline exceeded: timed out waiting for the condition", HelmErrorClass.RollbackFailed },
        { "Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: resource Deployment/shop/web not ready. status: InProgress, message: Available: 0/1\ncontext deadline exceeded: release web failed: context deadline exceeded", HelmErrorClass.RollbackFailed },
        { "Error: an error occurred while uninstalling the release. original install error: context deadline exceeded: timed out waiting for the condition", HelmErrorClass.RollbackFailed },
        { "Error: UPGRADE FAILED: unable to find a previously successful release when attempting to rollback. original upgrade error: context deadline exceeded", HelmErrorClass.RollbackFailed },
        { "Error: UPGRADE FAILED: an error occurred while finding last successful release. original upgrade error: context deadline exceeded: " + Refused, HelmErrorClass.RollbackFailed },
        { "Error: UPGRADE FAILED: an error occurred while cleaning up resources. original upgrade error: context deadline exceeded: " + Refused, HelmErrorClass.RollbackFailed },

        // Helm's own recovery succeeded (v3 atomic, v4 rollback-on-failure).
        { "Error: UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: context deadline exceeded", HelmErrorClass.RolledBack },
        { "Error: UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: resource Deployment/shop/web not ready. status: InProgress, message: Available: 0/1\ncontext deadline exceeded", HelmErrorClass.RolledBack },
        { "Error: release web failed, and has been uninstalled due to atomic being set: context deadline exceeded", HelmErrorClass.Uninstalled },
        { "Error: release web failed, and has been uninstalled due to rollback-on-failure being set: resource Deployment/shop/web not ready. status: Failed, message: Progress deadline exceeded", HelmErrorClass.Uninstalled },

        // Lock.
        { "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", HelmErrorClass.Locked },
        { "Error: another operation (install/upgrade/rollback) is in progress", HelmErrorClass.Locked },

        // Permanent: chart, values, flags, release state.
        { "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nchart:\n- replicaCount: Invalid type. Expected: integer, given: string\n", HelmErrorClass.Permanent },
        { "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nchart:\n- at '/replicaCount': got string, want integer\n", HelmErrorClass.Permanent },
        { "Error: template: chart/templates/bad.yaml:1:10: executing \"chart/templates/bad.yaml\" at <.Values.nope.deeper>: nil pointer evaluating interface {}.deeper\n\nUse --debug flag to render out invalid YAML", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: template: chart/templates/bad.yaml:1:10: executing \"chart/templates/bad.yaml\" at <.Values.nope.deeper>: nil pointer evaluating interface {}.deeper", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: execution error at (web/templates/cm.yaml:3:4): image.tag is required", HelmErrorClass.Permanent },
        { "Error: chart/templates/bad.yaml:1:10\n  executing \"chart/templates/bad.yaml\" at <.Values.nope.deeper>:\n    nil pointer evaluating interface {}.deeper\n\nUse --debug flag to render out invalid YAML", HelmErrorClass.Permanent },
        { "Error: template: web/templates/cm.yaml:5: function \"nope\" not defined", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: YAML parse error on web/templates/cm.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context", HelmErrorClass.Permanent },
        { "Error: failed to parse /work/values.yaml: error converting YAML to JSON: yaml: line 2: could not find expected ':'", HelmErrorClass.Permanent },
        { "Error: Kubernetes cluster unreachable: the server has asked for the client to provide credentials", HelmErrorClass.Permanent },
        { "Error: path \"./nonexistent\" not found", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: chart requires kubeVersion: >=1.40.0-0 which is incompatible with Kubernetes v1.32.3", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: current release manifest contains removed kubernetes api(s) for this kubernetes version and it is therefore unable to build the kubernetes objects for performing the diff. error from kubernetes: unable to recognize \"\": no matches for kind \"PodSecurityPolicy\" in version \"policy/v1beta1\"", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: unable to build kubernetes objects from new release manifest: resource mapping not found for name: \"web\" namespace: \"\" from \"\": no matches for kind \"Deployment\" in version \"apps/v1beta1\"", HelmErrorClass.Permanent },
        { "Error: cannot re-use a name that is still in use", HelmErrorClass.Permanent },
        { "Error: cannot reuse a name that is still in use", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: Unable to continue with update: ConfigMap \"web-cm\" in namespace \"shop\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: unable to continue with update: ConfigMap \"web-cm\" in namespace \"shop\" exists and cannot be imported into the current release: invalid ownership metadata", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: \"nosuch\" has no deployed releases", HelmErrorClass.Permanent },
        { "Error: release: not found", HelmErrorClass.Permanent },
        { "Error: release has no 0 version", HelmErrorClass.Permanent },
        { "Error: unknown flag: --bogus", HelmErrorClass.Permanent },
        { "Error: unknown shorthand flag: 'a' in -a", HelmErrorClass.Permanent },
        { "Error: invalid argument \"bogus\" for \"--wait\" flag: invalid wait input \"bogus\". Valid inputs are watcher, hookOnly, and legacy", HelmErrorClass.Permanent },
        { "Error: Invalid dry-run flag. Flag must one of the following: false, true, none, client, server", HelmErrorClass.Permanent },
        { "Error: invalid dry-run value (\"bogus\"). Must be \"none\", \"server\", or \"client\"", HelmErrorClass.Permanent },
        { "Error: flag needs an argument: --timeout", HelmErrorClass.Permanent },
        { "Error: if any flags in the group [force-replace force-conflicts] are set none of the others can be; [force-conflicts force-replace] were all set", HelmErrorClass.Permanent },
        { "Error: non-absolute URLs should be in form of repo_name/path_to_chart, got: web", HelmErrorClass.Permanent },
        { "Error: repo bitnami not found", HelmErrorClass.Permanent },
        { "Error: chart \"nginx\" version \"99.0.0\" not found in https://charts.example.com repository", HelmErrorClass.Permanent },
        { "Error: UPGRADE FAILED: secrets is forbidden: User \"system:serviceaccount:ci:deployer\" cannot list resource \"secrets\" in API group \"\" in the namespace \"shop\"", HelmErrorClass.Permanent },

        // Transient: reachability before anything changes (v3 capitalised, v4 lower case).
        { "Error: Kubernetes cluster unreachable: " + Refused, HelmErrorClass.Transient },
        { "Error: kubernetes cluster unreachable: " + Refused, HelmErrorClass.Transient },
        { "Error: kubernetes cluster unreachable: Get \"http://localhost:8080/version\": dial tcp [::1]:8080: connect: connection refused", HelmErrorClass.Transient },
        { "Error: INSTALLATION FAILED: cluster reachability check failed: kubernetes cluster unreachable: " + Refused, HelmErrorClass.Transient },
        { "Error: Kubernetes cluster unreachable: Get \"https://10.0.0.1:6443/version?timeout=32s\": context deadline exceeded", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: could not get server version from Kubernetes: the server is currently unable to handle the request", HelmErrorClass.Transient },
        { "Error: could not get apiVersions from Kubernetes: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request", HelmErrorClass.Transient },

        // Wait failures.
        { "Error: UPGRADE FAILED: context deadline exceeded", HelmErrorClass.WaitFailed },
        { "Error: context deadline exceeded", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: client rate limiter Wait returned an error: context deadline exceeded", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: client rate limiter Wait returned an error: rate: Wait(n=1) would exceed context deadline", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: resource Deployment/shop/web not ready. status: InProgress, message: Available: 0/1\ncontext deadline exceeded", HelmErrorClass.WaitFailed },
        { "Error: resource Deployment/shop/web not ready. status: Failed, message: Progress deadline exceeded", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: pre-upgrade hooks failed: 1 error occurred:\n\t* timed out waiting for the condition\n\n", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: post-upgrade hooks failed: job failed: BackoffLimitExceeded", HelmErrorClass.WaitFailed },
        { "Error: failed pre-install: 1 error occurred:\n\t* job migrate failed: BackoffLimitExceeded", HelmErrorClass.WaitFailed },
        { "Error: failed post-install: timed out waiting for the condition", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: timed out waiting for the condition", HelmErrorClass.WaitFailed },
        { "Error: UPGRADE FAILED: job is failed: shop/migrate", HelmErrorClass.WaitFailed },

        // Transient: connectivity and overload anywhere else.
        { "Error: UPGRADE FAILED: Patch \"https://10.0.0.1:6443/apis/apps/v1/namespaces/shop/deployments/web\": dial tcp 10.0.0.1:6443: connect: connection refused", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": read tcp 10.1.0.5:51234->10.0.0.1:6443: read: connection reset by peer", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": dial tcp 10.0.0.1:6443: i/o timeout", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": net/http: TLS handshake timeout", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": dial tcp 10.0.0.1:6443: connect: no route to host", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": http2: client connection lost", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets?labelSelector=name%3Dweb%2Cowner%3Dhelm\": EOF", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": unexpected EOF", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Get \"https://10.0.0.1:6443/api/v1/namespaces/shop/secrets\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: the server is currently unable to handle the request (get secrets)", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: the server has received too many requests and has asked us to try again later (get secrets)", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Too Many Requests", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: an error on the server (\"\") has prevented the request from succeeding: status 429", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: etcdserver: leader changed", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: etcdserver: request timed out", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: client rate limiter Wait returned an error: rate: Wait(n=1) exceeds limiter's burst 0", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: Internal error occurred: failed calling webhook \"validate.nginx.ingress.kubernetes.io\"", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: an error on the server (\"<html>502 Bad Gateway</html>\") has prevented the request from succeeding", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: an error on the server (\"504 Gateway Timeout\") has prevented the request from succeeding", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: an error on the server (\"Service Unavailable\") has prevented the request from succeeding (status 503)", HelmErrorClass.Transient },
        { "Error: UPGRADE FAILED: release: already exists", HelmErrorClass.Transient },
    };

    [Theory]
    [MemberData(nameof(RealTexts))]
    public void Classify_RealHelmText_ReturnsItsClass(string stderr, HelmErrorClass expected)
    {
        HelmErrorClassifier.Classify(stderr).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(RealTexts))]
    public void IsTransient_RealHelmText_IsTrueOnlyForTransient(string stderr, HelmErrorClass expected)
    {
        HelmErrorClassifier.IsTransient(stderr).Should().Be(expected == HelmErrorClass.Transient);
    }

    [Fact]
    public void Classify_SampleSchemaAndTemplateErrorsOfBothVersions_ArePermanent()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "schema-template-errors.txt"));
        var errors = text.Split("exit=1", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Replace("== helm3", "", StringComparison.Ordinal).Replace("== helm4", "", StringComparison.Ordinal).Trim())
            .Where(block => block.Length > 0)
            .ToList();

        errors.Should().HaveCount(6);
        errors.Should().AllSatisfy(e => HelmErrorClassifier.Classify(e).Should().Be(HelmErrorClass.Permanent, e));
    }

    [Theory]
    [InlineData("Error: UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: " + Refused)]
    [InlineData("Error: UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: Patch \"https://x/apis\": http2: client connection lost")]
    public void Classify_AtomicRollbackQuotingATransientCause_IsRolledBackNotTransient(string stderr)
    {
        HelmErrorClassifier.Classify(stderr).Should().Be(HelmErrorClass.RolledBack);
        HelmErrorClassifier.IsTransient(stderr).Should().BeFalse();
    }

    [Fact]
    public void Classify_RollbackFailureQuotingARolledBackLikeText_IsRollbackFailed()
    {
        const string stderr = "Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: release web failed: " + Refused;

        HelmErrorClassifier.Classify(stderr).Should().Be(HelmErrorClass.RollbackFailed);
    }

    [Theory]
    [InlineData("Error: UPGRADE FAILED: template: web/templates/cm.yaml:3:12: executing \"web/templates/cm.yaml\" at <fail \"connection refused\">: error calling fail: connection refused")]
    [InlineData("Error: values don't meet the specifications of the schema(s) in the following chart(s):\nchart:\n- endpoint: Does not match pattern 'i/o timeout|503'")]
    [InlineData("Error: path \"./charts/503\" not found")]
    public void Classify_ChartErrorQuotingTransientWords_IsPermanent(string stderr)
    {
        HelmErrorClassifier.Classify(stderr).Should().Be(HelmErrorClass.Permanent);
    }

    [Fact]
    public void Classify_LockQuotingAWaitWord_IsLocked()
    {
        HelmErrorClassifier.Classify("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress (context deadline exceeded)")
            .Should().Be(HelmErrorClass.Locked);
    }

    [Fact]
    public void Classify_UnreachableWithDeadlineCause_IsTransientNotWaitFailed()
    {
        HelmErrorClassifier.Classify("Error: Kubernetes cluster unreachable: Get \"https://x/version\": context deadline exceeded")
            .Should().Be(HelmErrorClass.Transient);
    }

    [Fact]
    public void Classify_RateLimiterCancelled_IsNotTransient()
    {
        HelmErrorClassifier.Classify("Error: UPGRADE FAILED: client rate limiter Wait returned an error: context canceled")
            .Should().Be(HelmErrorClass.Unknown);
    }

    [Fact]
    public void Classify_EofNotAtTheEndOfARequestLine_IsUnknown()
    {
        HelmErrorClassifier.Classify("Error: UPGRADE FAILED: EOF while reading values file").Should().Be(HelmErrorClass.Unknown);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("Error: something nobody has seen before")]
    [InlineData("Error: context canceled")]
    public void Classify_UnknownText_IsUnknownAndNotRetried(string? stderr)
    {
        HelmErrorClassifier.Classify(stderr).Should().Be(HelmErrorClass.Unknown);
        HelmErrorClassifier.IsTransient(stderr).Should().BeFalse();
    }

    [Fact]
    public void Classify_IgnoresCase()
    {
        HelmErrorClassifier.Classify("ERROR: KUBERNETES CLUSTER UNREACHABLE: CONNECTION REFUSED").Should().Be(HelmErrorClass.Transient);
    }

    [Fact]
    public void Match_ReturnsTheRowWithItsDescription()
    {
        var rule = HelmErrorClassifier.Match("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress");

        rule.Should().NotBeNull();
        rule!.Class.Should().Be(HelmErrorClass.Locked);
        rule.Description.Should().Contain("lock");
    }

    [Fact]
    public void Rules_EveryRowIsExercisedByARealText()
    {
        var matched = RealTexts.Select(row => HelmErrorClassifier.Match((string)row[0])).Where(r => r is not null).ToHashSet();
        var unexercised = HelmErrorClassifier.Rules.Where(r => !matched.Contains(r)).Select(r => r.Pattern.ToString());

        unexercised.Should().BeEmpty();
    }

    [Theory]
    [InlineData("UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: context deadline exceeded", "context deadline exceeded")]
    [InlineData("UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: context canceled", "context canceled")]
    [InlineData("INSTALLATION FAILED: release web failed, and has been uninstalled due to atomic being set: timed out waiting for the condition", "timed out waiting for the condition")]
    [InlineData("UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: context deadline exceeded: timed out", "context deadline exceeded: timed out")]
    [InlineData("UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", "another operation (install/upgrade/rollback) is in progress")]
    [InlineData("template: web/templates/deployment.yaml:7:20: executing\nmore detail", "template: web/templates/deployment.yaml:7:20: executing")]
    public void Cause_IsTheFirstLineWithoutHelmsWrapping(string errorText, string expected)
    {
        HelmErrorClassifier.Cause(errorText).Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPGRADE FAILED: ")]
    [InlineData("  \n")]
    public void Cause_OfNothingButWrapping_IsNull(string errorText)
    {
        HelmErrorClassifier.Cause(errorText).Should().BeNull();
    }

    [Fact]
    public void MentionsTransient_FindsAPassingCauseThatHelmReportsAsAnotherFailure()
    {
        const string stderr =
            "level=WARN msg=\"Rollback failed: could not get information about the resource: the server is currently unable to handle the request\"\n" +
            "Error: an error occurred while cleaning up resources. original rollback error: unable to cleanup resources: object not found\n";

        HelmErrorClassifier.Classify(stderr).Should().Be(HelmErrorClass.RollbackFailed, "what Helm did comes first");
        HelmErrorClassifier.MentionsTransient(stderr).Should().BeTrue();
        HelmErrorClassifier.MentionsTransient("Error: UPGRADE FAILED: template: web/templates/x.yaml:1: function \"nope\" not defined").Should().BeFalse();
        HelmErrorClassifier.MentionsTransient(null).Should().BeFalse();
    }
}
