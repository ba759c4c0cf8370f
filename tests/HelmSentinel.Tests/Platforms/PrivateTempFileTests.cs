using HelmSentinel.Platforms;

namespace HelmSentinel.Tests.Platforms;

public sealed class PrivateTempFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubeconfig-test-").FullName;

    [Fact]
    public void Write_CreatesAFileOnlyTheUserCanReadWithTheContent()
    {
        using var kubeconfig = PrivateTempFile.Write("apiVersion: v1\nkind: Config\n", PrivateTempFile.KubeconfigPrefix, _dir);

        File.ReadAllText(kubeconfig.Path).Should().Be("apiVersion: v1\nkind: Config\n");
        Path.GetDirectoryName(kubeconfig.Path).Should().Be(_dir);
        Path.GetFileName(kubeconfig.Path).Should().MatchRegex("^helm-sentinel-kubeconfig-[0-9a-f]{16}$");
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
            using var kubeconfig = PrivateTempFile.Write("secret", PrivateTempFile.KubeconfigPrefix, _dir);
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
        using var a = PrivateTempFile.Write("a", PrivateTempFile.KubeconfigPrefix, _dir);
        using var b = PrivateTempFile.Write("b", PrivateTempFile.KubeconfigPrefix, _dir);

        a.Path.Should().NotBe(b.Path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
