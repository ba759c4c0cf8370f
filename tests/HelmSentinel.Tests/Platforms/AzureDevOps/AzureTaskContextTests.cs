using HelmSentinel.Deploy;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.AzureDevOps;

public sealed class AzureTaskContextTests
{
    private const string Id = "3f2b8c1e-0d4a-4e6b-9c7d-1a2b3c4d5e6f";

    private static Dictionary<string, string?> Agent(params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["INPUT_CONNECTIONTYPE"] = "kubernetesServiceConnection",
            ["INPUT_KUBERNETESSERVICECONNECTION"] = Id,
            [$"ENDPOINT_AUTH_PARAMETER_{Id}_KUBECONFIG"] = "users:\n- user:\n    token: kube-token-1\n",
            [$"ENDPOINT_DATA_{Id}_AUTHORIZATIONTYPE"] = "Kubeconfig",
            ["INPUT_RELEASE"] = "web",
            ["INPUT_CHART"] = "./chart",
            ["INPUT_NAMESPACE"] = "shop",
            ["INPUT_VALUEFILES"] = "a.yaml\nb.yaml",
            ["INPUT_OVERRIDES"] = "image.tag=2\nreplicas=3",
            ["INPUT_OVERRIDESSTRING"] = "build=007",
            ["INPUT_CHARTVERSION"] = "1.2.3",
            ["INPUT_TIMEOUT"] = "90s",
            ["INPUT_HISTORYMAX"] = "5",
            ["INPUT_WAITSTRATEGY"] = "legacy",
            ["INPUT_FAILFAST"] = "false",
            ["INPUT_RESTARTTHRESHOLD"] = "3",
            ["INPUT_CREATENAMESPACE"] = "true",
            ["INPUT_RECOVERSTALELOCK"] = "false",
            ["INPUT_HELMPATH"] = "/opt/helm",
            ["INPUT_DESCRIPTION"] = "from ADO",
            ["INPUT_EXTRAARGS"] = "--skip-crds",
            ["INPUT_MIGRATIONHOOKS"] = "web-migrate\nweb-schema",
            ["INPUT_ONFAILUREAFTERMIGRATION"] = "stop",
            ["INPUT_KUBECONTEXT"] = "",
            ["INPUT_COMMENTONPULLREQUEST"] = "true",
            ["INPUT_PULLREQUESTSTATUS"] = "false",
            ["AGENT_TEMPDIRECTORY"] = "/agent/_temp",
        };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    [Fact]
    public void Parse_MapsEveryTaskInputToTheCoreInputs_AndTheRequestParses()
    {
        var context = AzureTaskContext.Parse(Agent());

        context.Errors.Should().BeEmpty();
        var (request, errors) = DeployInputs.Parse(context.DeployInputsWith("/agent/_temp/kc"));
        errors.Should().BeEmpty();
        request!.Release.Should().Be("web");
        request.Namespace.Should().Be("shop");
        request.ValuesFiles.Should().Equal("a.yaml", "b.yaml");
        request.Set.Should().Equal("image.tag=2", "replicas=3");
        request.SetString.Should().Equal("build=007");
        request.ChartVersion.Should().Be("1.2.3");
        request.Timeout.Should().Be(TimeSpan.FromSeconds(90));
        request.HistoryMax.Should().Be(5);
        request.MigrationHooks.Should().Equal("web-migrate", "web-schema");
        request.OnFailureAfterMigration.Should().Be("stop");
        request.WaitStrategy.Should().Be("legacy");
        request.FailFast.Should().BeFalse();
        request.RestartThreshold.Should().Be(3);
        request.CreateNamespace.Should().BeTrue();
        request.RecoverStaleLock.Should().BeFalse();
        request.HelmPath.Should().Be("/opt/helm");
        request.Description.Should().Be("from ADO");
        request.ExtraArgs.Should().Equal("--skip-crds");
        request.Kubeconfig.Should().Be("/agent/_temp/kc");
        context.PullRequestStatus.Should().BeFalse();
        context.CommentOnPullRequest.Should().BeTrue();
        context.TempDirectory.Should().Be("/agent/_temp");
    }

    [Fact]
    public void Parse_ExtraArgs_AreOneArgumentALine_AsTheCoreReadsThem()
    {
        var context = AzureTaskContext.Parse(Agent(("INPUT_EXTRAARGS", "--set-json=config={\"greeting\":\"hello world\"}\n--skip-crds --dependency-update\n")));

        var (request, errors) = DeployInputs.Parse(context.DeployInputsWith(null));

        errors.Should().BeEmpty();
        request!.ExtraArgs.Should().Equal("--set-json=config={\"greeting\":\"hello world\"}", "--skip-crds", "--dependency-update");
    }

    [Fact]
    public void Parse_Verify_IsContentTheTaskWritesToAFile_AndItsErrorsAreNamedVerify()
    {
        var context = AzureTaskContext.Parse(Agent(("INPUT_VERIFY", "bake: 3s\nchecks:\n  - name: up\n    http: { service: web:http }\n")));

        context.VerifyContent.Should().Be("bake: 3s\nchecks:\n  - name: up\n    http: { service: web:http }\n");
        context.DeployInputs.Should().NotContainKey("verify", "the document is text; the core takes its file");
        var (request, errors) = DeployInputs.Parse(context.DeployInputsWith("/agent/_temp/kc", "/agent/_temp/helm-sentinel-verify-01"));
        errors.Should().BeEmpty();
        request!.VerifyFile.Should().Be("/agent/_temp/helm-sentinel-verify-01");
        request.Kubeconfig.Should().Be("/agent/_temp/kc");
        AzureTaskContext.TaskInputName(DeployInputNames.Verify).Should().Be("verify");
    }

    [Fact]
    public void Parse_BlankVerify_IsNoVerification()
    {
        var context = AzureTaskContext.Parse(Agent(("INPUT_VERIFY", " \n ")));

        context.VerifyContent.Should().BeNull();
        DeployInputs.Parse(context.DeployInputsWith(null)).Request!.VerifyFile.Should().BeNull();
    }

    [Fact]
    public void Parse_EveryTaskJsonInputIsKnown()
    {
        var known = AzureTaskContext.InputNames.Keys.Union(AzureTaskContext.GitOpsNames.Keys).Concat(["argocdToken", "destinationConnection", "command", "connectionType", "kubernetesServiceConnection", "kubeconfig", "verify", "commentOnPullRequest", "pullRequestStatus", "githubToken", "githubApiUrl"]);
        var taskJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(HelmSentinel.TestSupport.Tools.RepoRoot, "task.json")))!;
        var declared = taskJson["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>());

        declared.Should().BeEquivalentTo(known);
        AzureTaskContext.InputNames.Values.Should().BeSubsetOf(DeployInputs.Names);
    }

    [Fact]
    public void Parse_CollectsSecretsFromTheConnectionAndTheTokens()
    {
        var context = AzureTaskContext.Parse(Agent(("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "ado-token"), ("INPUT_GITHUBTOKEN", "ghp_abc"),
            ("SECRET_DB_PASSWORD", "hunter22"), ("SECRET_CERT", "line-one\nline-two")));

        context.Secrets.Should().Equal("kube-token-1", "ado-token", "ghp_abc", "line-one\nline-two", "hunter22");
    }

    [Fact]
    public void Parse_CommandGitOps_ReadsItsInputs_TheBuildsCommitAndSources_TheTokenAndTheDestinationConnection()
    {
        const string destination = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
        var context = AzureTaskContext.Parse(Agent(
            ("INPUT_COMMAND", "gitops"), ("INPUT_ARGOCDSERVER", "https://argocd.example.com"), ("INPUT_APP", "shop"), ("INPUT_ARGOCDTOKEN", "argo-token-42"),
            ("INPUT_BAKE", "2m"), ("INPUT_DESTINATIONCONNECTION", destination),
            ($"ENDPOINT_AUTH_PARAMETER_{destination}_KUBECONFIG", "users:\n- user:\n    token: destination-token-7\n"), ($"ENDPOINT_DATA_{destination}_AUTHORIZATIONTYPE", "Kubeconfig"),
            ("BUILD_SOURCEVERSION", "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5"), ("BUILD_SOURCESDIRECTORY", "/agent/_work/1/s")));

        context.Errors.Should().BeEmpty();
        context.GitOpsInputs["revision"].Should().Equal("1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5");
        context.GitOpsInputs["repo"].Should().Equal("/agent/_work/1/s");
        context.GitOpsInputs["bake"].Should().Equal("2m");
        context.GitOpsInputs["argocd-token-env"].Should().Equal(AzureTaskContext.ArgoCdTokenVariable);
        context.ArgoCdToken.Should().Be("argo-token-42");
        context.Destination!.Kubeconfig.Should().Contain("destination-token-7");
        context.Secrets.Should().Contain(["argo-token-42", "destination-token-7"]);
    }

    [Fact]
    public void Parse_TheClusterContextOfTheConnectionIsUsedUnlessKubeContextIsGiven()
    {
        var fromConnection = AzureTaskContext.Parse(Agent(($"ENDPOINT_AUTH_PARAMETER_{Id}_CLUSTERCONTEXT", "aks-prod")));
        var fromInput = AzureTaskContext.Parse(Agent(($"ENDPOINT_AUTH_PARAMETER_{Id}_CLUSTERCONTEXT", "aks-prod"), ("INPUT_KUBECONTEXT", "mine")));

        fromConnection.DeployInputs["kube-context"].Should().Equal("aks-prod");
        fromInput.DeployInputs["kube-context"].Should().Equal("mine");
    }

    [Fact]
    public void Parse_AnAzureReposPullRequestBuild_GivesTheRestTarget()
    {
        var context = AzureTaskContext.Parse(Agent(
            ("BUILD_REPOSITORY_PROVIDER", "TfsGit"), ("SYSTEM_PULLREQUEST_PULLREQUESTID", "42"),
            ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso"), ("SYSTEM_TEAMPROJECT", "Web Shop"),
            ("SYSTEM_TEAMPROJECTID", "p-1"), ("BUILD_REPOSITORY_ID", "r-2"), ("BUILD_BUILDID", "99"),
            ("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "tok"), ("ENVIRONMENT_NAME", "staging")));

        context.GitHub.Should().BeNull();
        var pr = context.AzureRepos!;
        pr.BaseUri.ToString().Should().Be("https://dev.azure.com/contoso/p-1/_apis/git/repositories/r-2/pullRequests/42/");
        pr.AccessToken.Should().Be("tok");
        pr.BuildUrl.Should().Be("https://dev.azure.com/contoso/Web%20Shop/_build/results?buildId=99");
        context.Environment.Should().Be("staging");
    }

    [Fact]
    public void Parse_TheMappedSystemAccessTokenIsAFallback()
    {
        var context = AzureTaskContext.Parse(Agent(
            ("BUILD_REPOSITORY_PROVIDER", "TfsGit"), ("SYSTEM_PULLREQUEST_PULLREQUESTID", "42"), ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/"),
            ("SYSTEM_TEAMPROJECT", "Web"), ("BUILD_REPOSITORY_ID", "r-2"), ("SYSTEM_ACCESSTOKEN", "mapped")));

        context.AzureRepos!.AccessToken.Should().Be("mapped");
    }

    [Fact]
    public void Parse_AGitHubRepository_GivesTheGitHubTarget()
    {
        var context = AzureTaskContext.Parse(Agent(
            ("BUILD_REPOSITORY_PROVIDER", "GitHub"), ("BUILD_REPOSITORY_NAME", "contoso/web"),
            ("SYSTEM_PULLREQUEST_PULLREQUESTID", "123456789"), ("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "7"), ("INPUT_GITHUBTOKEN", "ghp_x1"),
            ("SYSTEM_PULLREQUEST_SOURCECOMMITID", "abc123"), ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso"), ("SYSTEM_TEAMPROJECT", "Web"),
            ("BUILD_BUILDID", "42")));

        context.AzureRepos.Should().BeNull();
        context.GitHub.Should().Be(new GitHubPullRequestTarget(
            "contoso/web", 7, "ghp_x1", new Uri("https://api.github.com/"), "abc123", new Uri("https://dev.azure.com/contoso/Web/_build/results?buildId=42")));
    }

    [Fact]
    public void GitHubPullRequestTarget_IsReportedAsAPullRequestEventLinkingTheBuild()
    {
        var build = new Uri("https://dev.azure.com/contoso/Web/_build/results?buildId=42");
        var pullRequest = new GitHubPullRequestTarget("contoso/web", 7, "ghp_x1", new Uri("https://ghe.example/api/v3/"), "abc123", build);

        pullRequest.Target.Should().Be(new GitHubTarget
        {
            Owner = "contoso",
            Repository = "web",
            ApiUrl = new Uri("https://ghe.example/api/v3/"),
            Sha = "abc123",
            PullRequest = 7,
            EventName = "pull_request",
            RunUrl = build,
        });
        (pullRequest with { Repository = "web" }).Target.Should().BeNull("a repository name without its owner cannot be reported to");
    }

    [Theory]
    [InlineData("https://github.example.com/api/v3", "https://github.example.com/api/v3/")]
    [InlineData("https://api.github.com/", "https://api.github.com/")]
    public void Parse_GitHubApiUrl_IsUsedAsGiven(string input, string expected) =>
        AzureTaskContext.Parse(Agent(("BUILD_REPOSITORY_PROVIDER", "GitHub"), ("BUILD_REPOSITORY_NAME", "contoso/web"),
            ("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "7"), ("INPUT_GITHUBAPIURL", input))).GitHub!.ApiUrl.Should().Be(new Uri(expected));

    [Fact]
    public void Parse_ABadGitHubApiUrl_IsAnInputError() =>
        AzureTaskContext.Parse(Agent(("BUILD_REPOSITORY_PROVIDER", "GitHub"), ("BUILD_REPOSITORY_NAME", "contoso/web"),
            ("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "7"), ("INPUT_GITHUBAPIURL", "ftp://x"))).Errors
            .Should().ContainSingle(e => e.Input == "githubApiUrl");

    [Fact]
    public void Parse_ANonPullRequestBuild_HasNoTarget() =>
        AzureTaskContext.Parse(Agent(("BUILD_REPOSITORY_PROVIDER", "TfsGit"))).AzureRepos.Should().BeNull();

    [Theory]
    [InlineData("INPUT_CONNECTIONTYPE", "cloud", "connectionType")]
    [InlineData("INPUT_KUBERNETESSERVICECONNECTION", "", "kubernetesServiceConnection")]
    [InlineData("INPUT_PULLREQUESTSTATUS", "maybe", "pullRequestStatus")]
    public void Parse_BadTaskInputs_AreErrorsNamingTheTaskInput(string variable, string value, string input)
    {
        var context = AzureTaskContext.Parse(Agent((variable, value)));

        context.Errors.Should().ContainSingle().Which.Input.Should().Be(input);
    }

    [Fact]
    public void Parse_KubeconfigContentWithoutContent_IsAnError()
    {
        var context = AzureTaskContext.Parse(Agent(("INPUT_CONNECTIONTYPE", "kubeconfig")));

        context.Errors.Should().ContainSingle().Which.Input.Should().Be("kubeconfig");
    }

    [Fact]
    public void Parse_ConnectionNone_HasNoCluster()
    {
        var context = AzureTaskContext.Parse(Agent(("INPUT_CONNECTIONTYPE", "none")));

        context.Errors.Should().BeEmpty();
        context.Cluster.Should().BeNull();
        context.DeployInputsWith(null).Should().NotContainKey("kubeconfig");
    }

    [Fact]
    public void WithoutCredentials_RemovesTheAgentsCredentialsFromHelmsEnvironment_AndNothingElse() =>
        AzureTaskContext.WithoutCredentials([
            $"ENDPOINT_AUTH_PARAMETER_{Id}_KUBECONFIG", "ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "ENDPOINT_URL_SYSTEMVSSCONNECTION",
            "SECRET_DB_PASSWORD", "SYSTEM_ACCESSTOKEN", "INPUT_KUBECONFIG", "INPUT_GITHUBTOKEN", "INPUT_RELEASE", "PATH", "HOME"])
            .Should().BeEquivalentTo(new Dictionary<string, string?>
            {
                [$"ENDPOINT_AUTH_PARAMETER_{Id}_KUBECONFIG"] = null,
                ["ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN"] = null,
                ["SECRET_DB_PASSWORD"] = null,
                ["SYSTEM_ACCESSTOKEN"] = null,
                ["INPUT_KUBECONFIG"] = null,
                ["INPUT_GITHUBTOKEN"] = null,
            });

    [Fact]
    public void TaskInputName_TranslatesCoreNamesBack() =>
        AzureTaskContext.TaskInputName("history-max").Should().Be("historyMax");
}
