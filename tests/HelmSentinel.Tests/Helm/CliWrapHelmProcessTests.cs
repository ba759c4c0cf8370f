using HelmSentinel.Helm;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Helm;

/// <summary>What a helm that cannot be started is reported as: the path or name tried, whether PATH was searched, what to do.</summary>
public sealed class CliWrapHelmProcessTests : IDisposable
{
    private const string WhatToDo = "Install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or give the path of the helm binary: " +
        "--helm for the CLI, the helm input of the GitHub action, helmPath of the Azure task.";

    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    private async Task<string> StartFailure(string helmPath)
    {
        var act = () => new CliWrapHelmProcess(_home.Environment.AsReadOnly()).RunAsync(new HelmInvocation(helmPath, ["version"]));
        var thrown = await act.Should().ThrowAsync<HelmNotFoundException>();
        thrown.Which.HelmPath.Should().Be(helmPath);
        return thrown.Which.Message;
    }

    [Fact]
    public async Task ANonexistentAbsolutePath_IsNamed_AndPathWasNotSearched()
    {
        var helm = Path.Combine(_home.Root, "no", "such", "helm");

        var message = await StartFailure(helm);

        message.Should().Be($"Cannot run helm: there is no file at '{helm}'; a path is used as given, PATH is not searched. {WhatToDo}");
    }

    [Fact]
    public async Task ABareNameNotOnPath_SaysItWasLookedUpOnPath()
    {
        const string name = "helm-sentinel-test-no-such-helm";

        var message = await StartFailure(name);

        message.Should().StartWith($"Cannot run helm: '{name}' was looked up on PATH and is in none of its ")
            .And.EndWith(WhatToDo)
            .And.NotContain("An error occurred trying to start process").And.NotContain("working directory");
    }

    [Fact]
    public async Task AFileThatIsNotExecutable_SaysSoWithItsMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no execute bit to miss
        }

        var helm = Path.Combine(_home.Root, "helm");
        await File.WriteAllTextAsync(helm, "#!/bin/sh\necho v3.17.2\n");
        File.SetUnixFileMode(helm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var message = await StartFailure(helm);

        message.Should().Be($"Cannot run helm: '{helm}' is not executable (mode 644); make it executable (chmod +x) if it is helm. {WhatToDo}");
    }

    [Fact]
    public void Problem_OfABareNameOnPathThatIsNotExecutable_NamesTheFileFound()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var empty = Directory.CreateDirectory(Path.Combine(_home.Root, "empty")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(_home.Root, "bin")).FullName;
        var helm = Path.Combine(bin, "helm");
        File.WriteAllText(helm, "not a program");
        File.SetUnixFileMode(helm, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        CliWrapHelmProcess.Problem("helm", $"{empty}:{bin}", "Permission denied").Should()
            .Be($"'helm' was looked up on PATH and found only at '{helm}', which is not executable (mode 600)");
        CliWrapHelmProcess.Problem("helm", $"{empty}:", "No such file or directory").Should()
            .Be($"'helm' was looked up on PATH and is in none of its 1 directories ({empty})");
        CliWrapHelmProcess.Problem("helm", "", "No such file or directory").Should().Be("'helm' was looked up on PATH, but PATH is empty");
    }
}
