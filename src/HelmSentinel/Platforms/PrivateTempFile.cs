using System.Security.Cryptography;

namespace HelmSentinel.Platforms;

/// <summary>
/// Content an input hands over as text (a kubeconfig from a CI secret or a service connection, a verify document),
/// written to a file that only the current user can read and write, and deleted on <see cref="Dispose"/>, whatever
/// happened in between.
/// </summary>
public sealed class PrivateTempFile : IDisposable
{
    /// <summary>The name prefix of a kubeconfig file.</summary>
    public const string KubeconfigPrefix = "helm-sentinel-kubeconfig-";

    /// <summary>The name prefix of a verify document file.</summary>
    public const string VerifyPrefix = "helm-sentinel-verify-";

    private PrivateTempFile(string path) => Path = path;

    /// <summary>Where the content is; pass it as the request's file.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to a new file named <paramref name="prefix"/> and random hex digits in
    /// <paramref name="directory"/> (the runner's temp folder; default the system one). On Unix the file is created with
    /// mode 0600, so no other user can read it even for an instant.</summary>
    public static PrivateTempFile Write(string content, string prefix, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        directory ??= System.IO.Path.GetTempPath();
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
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

        return new PrivateTempFile(path);
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
