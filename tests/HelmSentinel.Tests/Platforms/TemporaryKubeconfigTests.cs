using HelmSentinel.Platforms;

namespace HelmSentinel.Tests.Platforms;

public sealed class TemporaryKubeconfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubeconfig-test-").FullName;

    [Fact]
    public void Write_CreatesAFileOnlyTheUserCanReadWithTheContent()
    {
        using var kubeconfig = TemporaryKubeconfig.Write("apiVersion: v1\nkind: Config\n", _dir);

        File.ReadAllText(kubeconfig.Path).Should().Be("apiVersion: v1\nkind: Config\n");
        Path.GetDirectoryName(kubeconfig.Path).Should().Be(_dir);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(kubeconfig.Path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public void Dispose_DeletesTheFile_EvenAfterAnException()
    {
        string path;
        try
        {
            using var kubeconfig = TemporaryKubeconfig.Write("secret", _dir);
            path = kubeconfig.Path;
            File.Exists(path).Should().BeTrue();
            throw new InvalidOperationException("the deploy blew up");
        }
        catch (InvalidOperationException)
        {
        }

        Directory.GetFiles(_dir).Should().BeEmpty();
    }

    [Fact]
    public void Write_TwiceGivesTwoFiles()
    {
        using var a = TemporaryKubeconfig.Write("a", _dir);
        using var b = TemporaryKubeconfig.Write("b", _dir);

        a.Path.Should().NotBe(b.Path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
