using HelmSentinel.Kubernetes;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Kubernetes;

public sealed class KubeconfigLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    [Fact]
    public void AUserWithoutCredentials_ConnectsWithoutThem_AsHelmAndKubectlDo()
    {
        var path = Write("""
            apiVersion: v1
            kind: Config
            clusters:
              - name: proxy
                cluster:
                  server: http://127.0.0.1:8001
            users:
              - name: anonymous
                user: {}
            contexts:
              - name: proxy
                context:
                  cluster: proxy
                  user: anonymous
            current-context: proxy
            """);

        var config = KubeconfigLoader.ClientConfiguration(path, null);

        config.Host.Should().Be("http://127.0.0.1:8001");
        config.AccessToken.Should().BeNull();
    }

    [Fact]
    public void ANamedContext_WinsOverTheCurrentOne()
    {
        var path = Write("""
            apiVersion: v1
            kind: Config
            clusters:
              - name: a
                cluster:
                  server: https://a.example:6443
              - name: b
                cluster:
                  server: https://b.example:6443
            users:
              - name: u
                user:
                  token: t0ken
            contexts:
              - name: a
                context: {cluster: a, user: u}
              - name: b
                context: {cluster: b, user: u}
            current-context: a
            """);

        var config = KubeconfigLoader.ClientConfiguration(path, "b");

        config.Host.Should().Be("https://b.example:6443");
        config.AccessToken.Should().Be("t0ken");
    }

    [Fact]
    public void Load_RemembersTheFullPath_AgainstWhichRelativeCertificatePathsResolve()
    {
        var path = Write(Kubeconfigs.Refused);

        KubeconfigLoader.Load(Path.GetRelativePath(Environment.CurrentDirectory, path)).FileName.Should().Be(path);
    }

    [Fact]
    public void Load_AnEmptyFile_IsAKubeconfigError()
    {
        var path = Write("");

        var load = () => KubeconfigLoader.Load(path);

        load.Should().Throw<k8s.Exceptions.KubeConfigException>().WithMessage("*is empty");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_folder, $"config-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
