using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;
using Xunit.Abstractions;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>
/// The task as the agent runs it: <c>node index.js</c> with the agent's environment, the real helm against the
/// simulated cluster, and the local Azure DevOps REST server for the pull request.
/// </summary>
[Collection(TaskCollection.Name)]
public sealed class TaskEndToEndTests(TaskFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string Output = ";isOutput=true;issecret=false]";

    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task KubeconfigConnection_OnAPullRequest_InstallsThenRollsBack_UpdatingOneThreadAndTheStatus(int major)
    {
        var release = "web-pr" + major;
        var connection = Guid.NewGuid().ToString();
        var kubeToken = "kc-token-" + Guid.NewGuid().ToString("N");
        var password = "db-password-" + Guid.NewGuid().ToString("N");
        AgentEnvironment Environment(params string[] overrides) => new AgentEnvironment(_home)
            .KubeconfigConnection(connection, fixture.KubeconfigWithToken(kubeToken), clusterContext: "simulator")
            .Deploy(release, major, [.. overrides, "greeting=" + password])
            .Set("SECRET_DB_PASSWORD", password)
            .PullRequest(fixture.AzureDevOps, 50 + major);

        // First run: a healthy install.
        var env = Environment();
        var first = await RunAsync(fixture.TaskFolder, env.Variables);

        first.ExitCode.Should().Be(0, first.All);
        first.Lines.Take(6).Should().Equal(
            [.. new[] { kubeToken, fixture.AzureDevOps.Token, password }.SelectMany(s => new[] { s, Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) }).Select(s => "##vso[task.setsecret]" + s)],
            "each secret and its base64 form are registered before anything prints");
        var summary = Path.Combine(env.TempDirectory, $"helm-sentinel-{release}-{release}.md");
        Final(first).Should().Equal(
            $"##vso[task.setvariable variable=result{Output}succeeded",
            $"##vso[task.setvariable variable=revision{Output}1",
            $"##vso[task.setvariable variable=restoredRevision{Output}",
            $"##vso[task.setvariable variable=previousRevision{Output}",
            $"##vso[task.setvariable variable=failureReason{Output}",
            $"##vso[task.setvariable variable=verification{Output}skipped",
            $"##vso[task.setvariable variable=failedCheck{Output}",
            $"##vso[task.setvariable variable=rollbackVerification{Output}skipped",
            $"##vso[task.setvariable variable=hasChanges{Output}true",
            $"##vso[task.setvariable variable=blockingFindings{Output}0",
            $"##vso[task.setvariable variable=planPath{Output}",
            $"##vso[task.uploadsummary]{summary}",
            "##vso[build.addbuildtag]helm-sentinel:succeeded",
            $"##vso[task.complete result=Succeeded;]{release} installed revision 1");
        File.ReadAllText(summary).Should().Contain("#### Release history").And.Contain("deployed");
        first.Stdout.Should().Contain("##[group]").And.Contain("##[endgroup]");
        var threads = fixture.AzureDevOps.Threads.Where(t => Content(t).Contains($"helm-sentinel:{release}/{release} ", StringComparison.Ordinal)).ToList();
        threads.Should().ContainSingle().Which["status"]!.GetValue<string>().Should().Be("fixed");

        // Second run: a crash-looping upgrade, rolled back by fail-fast.
        env = Environment("image.repository=sim.local/crash");
        var second = await RunAsync(fixture.TaskFolder, env.Variables);

        second.ExitCode.Should().Be(1, second.All);
        var final = Final(second);
        final[0].Should().StartWith($"##vso[task.logissue type=error]helm-sentinel: {release} upgrade to revision 2 failed%3B rolled back to revision 1");
        final.Skip(1).Take(4).Should().Equal(
            $"##vso[task.setvariable variable=result{Output}rolled-back",
            $"##vso[task.setvariable variable=revision{Output}3",
            $"##vso[task.setvariable variable=restoredRevision{Output}3",
            $"##vso[task.setvariable variable=previousRevision{Output}1");
        final[5].Should().StartWith($"##vso[task.setvariable variable=failureReason{Output}").And.Contain("CrashLoopBackOff");
        final[^2].Should().Be("##vso[build.addbuildtag]helm-sentinel:rolled-back");
        final[^1].Should().StartWith("##vso[task.complete result=Failed;]").And.Contain("CrashLoopBackOff");
        File.ReadAllText(summary).Should().Contain("#### Diagnosis").And.Contain("CrashLoopBackOff");
        await Eventually.WaitUntilAsync(() => Workloads.DeploymentRuns(fixture.Simulator, release, release, "nginx:1.25.0"),
            "the Deployment runs v1's template again, with no pod of the crashing one left");

        threads = fixture.AzureDevOps.Threads.Where(t => Content(t).Contains($"helm-sentinel:{release}/{release} ", StringComparison.Ordinal)).ToList();
        threads.Should().ContainSingle("the thread is updated in place, not duplicated");
        threads[0]["status"]!.GetValue<string>().Should().Be("active");
        Content(threads[0]).Should().Contain("rolled back").And.Contain("CrashLoopBackOff");
        fixture.AzureDevOps.StatusSequence.Where(s => s.StartsWith(release + ":", StringComparison.Ordinal))
            .Should().Equal($"{release}:pending", $"{release}:succeeded", $"{release}:pending", $"{release}:failed");
        fixture.AzureDevOps.Requests.Should().OnlyContain(r => r.Authorization == "Bearer " + fixture.AzureDevOps.Token);

        foreach (var run in new[] { first, second })
        {
            run.Visible.Should().NotContain(kubeToken).And.NotContain(fixture.AzureDevOps.Token).And.NotContain(password);
        }

        first.Stdout.Should().Contain("--set greeting=***");
        File.ReadAllText(summary).Should().NotContain(kubeToken).And.NotContain(password);
        fixture.AzureDevOps.Requests.Select(r => r.Body).Should().NotContain(b =>
            b.Contains(kubeToken, StringComparison.Ordinal) || b.Contains(fixture.AzureDevOps.Token, StringComparison.Ordinal) || b.Contains(password, StringComparison.Ordinal));
        Directory.GetFiles(env.TempDirectory, "helm-sentinel-kubeconfig-*").Should().BeEmpty("the private kubeconfig is deleted at the end");
    }

    [Fact]
    public async Task ServiceAccountConnection_OutsideAPullRequest_DeploysWithTheTokenMaskedAndCallsNoRest()
    {
        const string release = "web-sa";
        var token = "sa-token-" + Guid.NewGuid().ToString("N");
        var env = new AgentEnvironment(_home)
            .ServiceAccountConnection(Guid.NewGuid().ToString(), fixture.Simulator.BaseAddress, token, CaPem())
            .Deploy(release, 3);
        var before = fixture.AzureDevOps.Requests.Count;

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(0, run.All);
        run.Lines[0].Should().Be("##vso[task.setsecret]" + token);
        run.Commands.Should().Contain($"##vso[task.setvariable variable=result{Output}succeeded")
            .And.Contain($"##vso[task.complete result=Succeeded;]{release} installed revision 1");
        run.Visible.Should().NotContain(token);
        fixture.AzureDevOps.Requests.Count.Should().Be(before);
        Directory.GetFiles(env.TempDirectory, "helm-sentinel-kubeconfig-*").Should().BeEmpty();
    }

    [Fact]
    public async Task KubeconfigContent_FromASecretVariable_DeploysWithItsTokenMasked()
    {
        const string release = "web-kc";
        var token = "content-token-" + Guid.NewGuid().ToString("N");
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.KubeconfigWithToken(token))
            .Deploy(release, 3);

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(0, run.All);
        run.Lines[0].Should().Be("##vso[task.setsecret]" + token);
        run.Stdout.Should().Contain("--kubeconfig " + env.TempDirectory);
        run.Visible.Should().NotContain(token).And.NotContain("current-context");
        run.Commands[^1].Should().Be($"##vso[task.complete result=Succeeded;]{release} installed revision 1");
        Directory.GetFiles(env.TempDirectory, "helm-sentinel-kubeconfig-*").Should().BeEmpty();
    }

    [Fact]
    public async Task Helm_CannotIssueLoggingCommands_AndDoesNotSeeTheAgentsCredentials()
    {
        const string release = "web-defuse";
        var helm = Path.Combine(_home.Root, "helm");
        var seen = Path.Combine(_home.Root, "helm-env.txt");
        File.WriteAllText(helm, $"#!/bin/sh\nenv >> '{seen}'\necho '##vso[task.setvariable variable=pwned]1' >&2\necho '##[error]forged' >&2\nexec '{Tools.Helm(3)}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(helm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, 3).Input("helmPath", helm)
            .Set("SECRET_API_KEY", "api-key-value-123").Set("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "job-token-value-456");

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(0, run.All);
        File.ReadAllText(seen).Should().Contain("INPUT_RELEASE=" + release)
            .And.NotContain("api-key-value-123").And.NotContain("job-token-value-456").And.NotContain("INPUT_KUBECONFIG");
        run.Stdout.Should().Contain("task.setvariable variable=pwned", "helm's line is shown");
        run.Lines.Should().NotContain(l => l.Contains("##vso[task.setvariable variable=pwned", StringComparison.Ordinal) || l.Contains("##[error]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACancelledTask_InterruptsHelm_FailsTheStep_AndLeavesNoPendingRelease(int major)
    {
        var release = "web-cancel" + major;
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, major, "image.repository=sim.local/never-ready").Input("timeout", "2m");
        var stdout = new System.Text.StringBuilder();
        using var upgradeStarted = new SemaphoreSlim(0);
        using var graceful = new CancellationTokenSource();
        using var forceful = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var task = CliWrap.Cli.Wrap("node").WithArguments([Path.Combine(fixture.TaskFolder, "index.js")])
            .WithEnvironmentVariables(env.Variables)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .WithStandardOutputPipe(CliWrap.PipeTarget.ToDelegate(line =>
            {
                lock (stdout)
                {
                    stdout.AppendLine(line);
                }

                if (line.StartsWith("$ helm upgrade", StringComparison.Ordinal))
                {
                    upgradeStarted.Release();
                }
            }))
            .ExecuteAsync(forceful.Token, graceful.Token);
        (await upgradeStarted.WaitAsync(TimeSpan.FromSeconds(60))).Should().BeTrue(stdout.ToString());
        // Cancelled once helm has applied the release and waits on its pods, as a user would cancel a rollout that hangs.
        await Eventually.WaitUntilAsync(() => fixture.Simulator.Store.List(ResourceTypes.Pods, release).Count > 0, "helm has created the release's pods");
        await graceful.CancelAsync(); // SIGINT to node, as the agent does
        int exitCode;
        try
        {
            exitCode = (await task).ExitCode;
        }
        catch (OperationCanceledException)
        {
            exitCode = -1;
        }

        output.WriteLine(stdout.ToString());
        exitCode.Should().NotBe(0, stdout.ToString());
        stdout.ToString().Should().Contain("##vso[task.complete result=Failed;]");
        stdout.ToString().Should().Contain("##vso[task.setvariable variable=failureReason;isOutput=true;issecret=false]the deploy was cancelled while helm was upgrading",
            "a cancelled deploy says so, whatever the pods looked like");
        var kubeconfig = fixture.Simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
        var history = await ProcessRunner.RunAsync(Tools.Helm(major), ["history", release, "-n", release, "--kubeconfig", kubeconfig, "-o", "json"], _home.Environment);
        history.StandardOutput.Should().NotContain("pending-", "helm was interrupted, not orphaned holding the lock");
    }

    [Fact]
    public async Task BadInputs_OnAPullRequest_Exit3NamingTheTaskInputs_AndFailTheStatus()
    {
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "none")
            .Input("chart", Tools.Chart("fixture-web"))
            .Input("timeout", "5;m]\r\nx")
            .PullRequest(fixture.AzureDevOps, 18);

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(3, run.All);
        var error = run.Commands.Should().ContainSingle(c => c.StartsWith("##vso[task.logissue type=error]", StringComparison.Ordinal)).Subject;
        error.Should().Contain("release: is required").And.Contain("timeout: '5%3Bm%5D%0D%0Ax' is not a positive duration");
        run.Commands.Should().Contain($"##vso[task.setvariable variable=result{Output}rejected")
            .And.Contain(c => c.StartsWith($"##vso[task.setvariable variable=failureReason{Output}invalid input: release: is required", StringComparison.Ordinal)
                && c.Contains("timeout: '5%3Bm%5D x' is not a positive duration", StringComparison.Ordinal))
            .And.Contain("##vso[build.addbuildtag]helm-sentinel:rejected");
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Failed;]invalid input: release: is required");
        fixture.AzureDevOps.StatusSequence.Should().Contain("(no release):failed");
    }

    [Fact]
    public async Task InputsTheValidatorRefuses_AreNamedAsInTheTask()
    {
        var env = new AgentEnvironment(_home).Input("connectionType", "none")
            .Input("release", "web").Input("chart", Tools.Chart("fixture-web")).Input("historyMax", "1").Input("overrides", "no-equals-sign")
            .Input("onFailureAfterMigration", "abort");

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(3, run.All);
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Failed;]invalid input: ")
            .And.Contain("historyMax: ").And.Contain("overrides: ").And.Contain("onFailureAfterMigration: on-failure-after-migration 'abort' is not a policy");
    }

    [Fact]
    public async Task AVerifyDocument_BakesItsHttpCheckAfterReady_AndItsPrivateFileIsDeletedAtTheEnd()
    {
        const string release = "web-verify";
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, 3)
            .Input("verify", $"""
                bake: 3s
                interval: 1s
                checks:
                  - name: home
                    http:
                      service: {release}:http
                      path: /
                      expectStatus: [200]
                """);

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(0, run.All);
        run.Commands[^1].Should().Be($"##vso[task.complete result=Succeeded;]{release} installed revision 1");
        File.ReadAllText(Path.Combine(env.TempDirectory, $"helm-sentinel-{release}-{release}.md")).Should().Contain("verification started", "the timeline shows the bake");
        Directory.GetFiles(env.TempDirectory, "helm-sentinel-verify-*").Should().BeEmpty("the verify document's file is deleted at the end");
        Directory.GetFiles(env.TempDirectory, "helm-sentinel-kubeconfig-*").Should().BeEmpty();
    }

    [Fact]
    public async Task ABadVerifyDocument_Exits3NamingTheVerifyInput_AndChangesNothing()
    {
        const string release = "web-badverify";
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, 3)
            .Input("verify", "bake: 3s\ninterval: 1s\nchecks:\n  - name: home\n    http: { service: web-badverify }\n");

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(3, run.All);
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Failed;]invalid input: verify: ").And.Contain("home").And.Contain("port");
        var kubeconfig = fixture.Simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
        var status = await ProcessRunner.RunAsync(Tools.Helm(3), ["status", release, "-n", release, "--kubeconfig", kubeconfig], _home.Environment);
        status.ExitCode.Should().NotBe(0, "helm never ran, so there is no release");
        Directory.GetFiles(env.TempDirectory, "helm-sentinel-verify-*").Should().BeEmpty();
    }

    [Fact]
    public async Task InputsTheEngineRefuses_OnAPullRequest_AreNamedOnce_AndStartNoPendingStatusNorHelm()
    {
        const string release = "web-refused";
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, 3).Input("historyMax", "1")
            .PullRequest(fixture.AzureDevOps, 19);

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(3, run.All);
        run.Commands.Where(c => c.Contains("invalid input 'historyMax'", StringComparison.Ordinal)).Should().ContainSingle("the request is validated once");
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Failed;]invalid input: historyMax: ");
        fixture.AzureDevOps.StatusSequence.Where(s => s.StartsWith(release + ":", StringComparison.Ordinal))
            .Should().Equal([$"{release}:failed"], "the status tells how the run ended, and was never pending");
        var kubeconfig = fixture.Simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
        var status = await ProcessRunner.RunAsync(Tools.Helm(3), ["status", release, "-n", release, "--kubeconfig", kubeconfig], _home.Environment);
        status.ExitCode.Should().NotBe(0, "helm never ran, so there is no release");
        status.StandardError.Should().Contain("not found");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ARollbackThatFails_Exits2_RollbackFailed(int major)
    {
        var release = "web-stuck" + major;
        // A helm that upgrades without rolling back by itself (so the release is left failed) and whose rollback always fails.
        var helm = Path.Combine(_home.Root, "helm-no-rollback");
        File.WriteAllText(helm, $$"""
            #!/bin/sh
            if [ "$1" = rollback ]; then echo "Error: simulated rollback failure: forbidden" >&2; exit 1; fi
            for a do shift; case "$a" in --atomic|--rollback-on-failure) ;; *) set -- "$@" "$a" ;; esac; done
            exec '{{Tools.Helm(major)}}' "$@"

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(helm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        AgentEnvironment Environment(params string[] overrides) => new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, major, overrides).Input("helmPath", helm);
        (await RunAsync(fixture.TaskFolder, Environment().Variables)).ExitCode.Should().Be(0);

        var run = await RunAsync(fixture.TaskFolder, Environment("image.repository=sim.local/crash").Variables);

        run.ExitCode.Should().Be(2, run.All);
        run.Commands.Should().Contain($"##vso[task.setvariable variable=result{Output}rollback-failed")
            .And.Contain("##vso[build.addbuildtag]helm-sentinel:rollback-failed");
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Failed;]");
    }

    [Fact]
    public async Task AMissingHelm_Exits4_Unreachable()
    {
        var env = new AgentEnvironment(_home).Input("connectionType", "none")
            .Input("release", "web-nohelm").Input("chart", Tools.Chart("fixture-web")).Input("helmPath", "/no/such/helm");

        var run = await RunAsync(fixture.TaskFolder, env.Variables);

        run.ExitCode.Should().Be(4, run.All);
        run.Commands.Should().Contain($"##vso[task.setvariable variable=result{Output}unreachable")
            .And.Contain("##vso[build.addbuildtag]helm-sentinel:unreachable");
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Failed;]");
    }

    [Fact]
    public async Task WithoutDotnetOnPath_TheShimFailsWithUseDotNetAdvice()
    {
        var bin = Path.Combine(_home.Root, "node-only");
        Directory.CreateDirectory(bin);
        var node = Path.Combine(bin, "node");
        File.CreateSymbolicLink(node, ResolveOnPath("node"));
        var env = new AgentEnvironment(_home).Input("connectionType", "none").Set("PATH", bin);

        var run = await RunAsync(fixture.TaskFolder, env.Variables, node);

        run.ExitCode.Should().Be(1, run.All);
        run.Commands.Should().HaveCount(2);
        run.Commands[0].Should().StartWith("##vso[task.logissue type=error]").And.Contain("UseDotNet@2");
        run.Commands[1].Should().StartWith("##vso[task.complete result=Failed;]").And.Contain("dotnet is not on PATH");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task CommandPlan_OnAPullRequest_PutsThePlanIntoTheReleasesThread_UpdatedInPlace_AndChangesNothing(int major)
    {
        var release = "web-plan" + major;
        var connection = Guid.NewGuid().ToString();
        AgentEnvironment Environment(string command, params string[] overrides) => new AgentEnvironment(_home)
            .KubeconfigConnection(connection, fixture.KubeconfigWithToken("kc-plan-" + major), clusterContext: "simulator")
            .Deploy(release, major, overrides)
            .Input("command", command)
            .PullRequest(fixture.AzureDevOps, 70 + major);
        (await RunAsync(fixture.TaskFolder, Environment("deploy").Variables)).ExitCode.Should().Be(0);
        var revisions = fixture.Simulator.Store.List(ResourceTypes.Secrets, release).Count;

        var env = Environment("plan", "replicaCount=3");
        var first = await RunAsync(fixture.TaskFolder, env.Variables);
        var second = await RunAsync(fixture.TaskFolder, Environment("plan", "replicaCount=4").Variables);

        first.ExitCode.Should().Be(0, first.All);
        var planPath = Path.Combine(env.TempDirectory, $"helm-sentinel-plan-{release}-{release}.json");
        Final(first).Should().Contain([
            $"##vso[task.setvariable variable=result{Output}planned",
            $"##vso[task.setvariable variable=hasChanges{Output}true",
            $"##vso[task.setvariable variable=blockingFindings{Output}0",
            $"##vso[task.setvariable variable=planPath{Output}{planPath}",
            "##vso[build.addbuildtag]helm-sentinel:plan-planned"]);
        Final(first)[^1].Should().StartWith("##vso[task.complete result=Succeeded;]Plan for the upgrade of " + release);
        File.ReadAllText(planPath).Should().Contain("\"path\": \"spec.replicas\"");
        second.ExitCode.Should().Be(0, second.All);
        var threads = fixture.AzureDevOps.Threads.Where(t => Content(t).Contains($"helm-sentinel:{release}/{release} ", StringComparison.Ordinal)).ToList();
        threads.Should().ContainSingle("the deploy's thread holds the plan, updated in place");
        Content(threads[0]).Should().Contain("Plan: " + release).And.Contain("spec.replicas: 2 → 4").And.NotContain("spec.replicas: 2 → 3");
        fixture.Simulator.Store.List(ResourceTypes.Secrets, release).Should().HaveCount(revisions, "a plan writes no revision");
    }

    [Fact]
    public async Task CommandRollback_ToAChosenRevision_IsDeployedAndReportedInTheReleasesThread()
    {
        const string release = "web-rollback";
        var connection = Guid.NewGuid().ToString();
        AgentEnvironment Environment(string command, params string[] overrides) => new AgentEnvironment(_home)
            .KubeconfigConnection(connection, fixture.KubeconfigWithToken("kc-rollback"), clusterContext: "simulator")
            .Deploy(release, 4, overrides)
            .Input("command", command)
            .PullRequest(fixture.AzureDevOps, 80);
        (await RunAsync(fixture.TaskFolder, Environment("deploy").Variables)).ExitCode.Should().Be(0);
        (await RunAsync(fixture.TaskFolder, Environment("deploy", "image.tag=1.27.0").Variables)).ExitCode.Should().Be(0);

        var run = await RunAsync(fixture.TaskFolder, Environment("rollback").Input("revision", "1").Variables);

        run.ExitCode.Should().Be(0, run.All);
        Final(run).Should().Contain($"##vso[task.setvariable variable=result{Output}succeeded");
        Final(run)[^1].Should().StartWith($"##vso[task.complete result=Succeeded;]{release} rolled back to revision 1 (now revision 3)");
        var threads = fixture.AzureDevOps.Threads.Where(t => Content(t).Contains($"helm-sentinel:{release}/{release} ", StringComparison.Ordinal)).ToList();
        threads.Should().ContainSingle("the deploys' thread is updated in place");
        Content(threads[0]).Should().Contain($"{release} rolled back to revision 1 (now revision 3)");
        await Eventually.WaitUntilAsync(() => Workloads.DeploymentRuns(fixture.Simulator, release, release, "nginx:1.25.0"), "revision 1's template is live");
    }

    private async Task<TaskProcess.Result> RunAsync(string folder, IReadOnlyDictionary<string, string?> environment, string node = "node")
    {
        var run = await TaskProcess.RunAsync(folder, environment, node);
        output.WriteLine($"exit {run.ExitCode}\n{run.Stdout}\n--- stderr\n{run.Stderr}");
        return run;
    }

    private static string[] Final(TaskProcess.Result run) =>
        [.. run.Commands.Where(c => !c.StartsWith("##vso[task.logissue type=warning]", StringComparison.Ordinal)
            && !c.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal))];

    private static string Content(JsonObject thread) => (string?)thread["comments"]?[0]?["content"] ?? "";

    private static string CaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=simulator-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }

    private static string ResolveOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{name} is not on PATH; the task tests need Node 20 or later.");
}
