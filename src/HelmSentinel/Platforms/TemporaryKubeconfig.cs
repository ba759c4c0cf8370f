using System.Security.Cryptography;

namespace HelmSentinel.Platforms;

/// <summary>
/// A kubeconfig handed over as content (a CI secret or a service connection), written to a file that only the
/// current user can read and write, and deleted on <see cref="Dispose"/>, whatever happened in between.
/// </summary>
public sealed class TemporaryKubeconfig : IDisposable
{
    private TemporaryKubeconfig(string path) => Path = path;

    /// <summary>Where the kubeconfig is; pass it as the request's kubeconfig.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to a new file with a random name in <paramref name="directory"/>
    /// (the runner's temp folder; default the system one). On Unix the file is created with mode 0600,
    /// so no other user can read it even for an instant.</summary>
    public static TemporaryKubeconfig Write(string content, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        directory ??= System.IO.Path.GetTempPath();
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, $"helm-sentinel-kubeconfig-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        return new TemporaryKubeconfig(path);
    }

    /// <summary>Deletes the file; never throws.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: the runner's temp folder is wiped at the end of the job anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
