using System.Text;

namespace HelmSentinel.TestSupport;

/// <summary>
/// A deploy of <c>fixture-canary</c> whose secrets hold what Markdown, JSON, URLs, regular expressions and shells give
/// meaning to, and a multi-line PEM key: the chart puts them in a Secret that the <c>sim.local/leak-env</c> containers
/// print and crash-loop with, so fail-fast's diagnosis carries every one. Two reach the chart undeclared, under keys that
/// look secret (<see cref="Password"/> with <c>set</c>, <see cref="ApiKey"/> with <c>set-string</c>); two are declared
/// (<see cref="Bearer"/>, set under a key that does not look secret, and <see cref="Pem"/>, in a values file).
/// </summary>
public static class CanaryDeploy
{
    /// <summary>The value of <c>db.adminPassword</c>, as the chart (and the pod) gets it: undeclared.</summary>
    public const string Password = "p@ss`w*rd_[x]|<y>&\"z\"%41 $HOME;\\";

    /// <summary>The value of <c>auth.bearer</c>: declared (its key does not look secret).</summary>
    public const string Bearer = "tok'en+/=#~<b>**x**</b>&amp;%0A{{.}}(?:.*)";

    /// <summary>The value of <c>auth.apiKey</c>, given with <c>set-string</c>: undeclared, and not ASCII.</summary>
    public const string ApiKey = "naïve-café-日本-✓-key";

    /// <summary>The value of <c>tls.key</c>, given in a values file: declared.</summary>
    public const string Pem = """
        -----BEGIN PRIVATE KEY-----
        MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm
        0yL8Xo4cUuTbWvQ8JDkRB5sYrUoG4Ws7Kx9l2f0Hq+Zx/1YvAgMBAAECQQCx3vJk
        Rf8=
        -----END PRIVATE KEY-----

        """;

    /// <summary><see cref="Password"/> as <c>--set</c> takes it: its backslash escaped.</summary>
    public static string TypedPassword => Password.Replace("\\", "\\\\", StringComparison.Ordinal);

    /// <summary>The <c>set</c> pairs: the undeclared password, the declared bearer, and a value that is no secret.</summary>
    public static IReadOnlyList<string> Set => ["db.adminPassword=" + TypedPassword, "auth.bearer=" + Bearer, "replicaCount=1"];

    /// <summary>The <c>set-string</c> pairs: the undeclared API key.</summary>
    public static IReadOnlyList<string> SetString => ["auth.apiKey=" + ApiKey];

    /// <summary>The values the deploy declares secret.</summary>
    public static IReadOnlyList<string> Declared => [Bearer, Pem];

    /// <summary>Every secret of the deploy, as the canary looks for them (the password also as typed).</summary>
    public static IReadOnlyList<string> All => [Password, TypedPassword, Bearer, ApiKey, Pem];

    /// <summary>The chart.</summary>
    public static string Chart => Tools.Chart("fixture-canary");

    /// <summary>Writes the values file with the key (and, to fail the render quoting the secrets, <c>failRender</c>); returns its path.</summary>
    public static string WriteValues(string folder, bool failRender = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var yaml = new StringBuilder("tls:\n  key: |\n");
        foreach (var line in Pem.TrimEnd('\n').Split('\n'))
        {
            yaml.Append("    ").Append(line).Append('\n');
        }

        yaml.Append("failRender: ").Append(failRender ? "true" : "false").Append('\n');
        var path = Path.Combine(folder, failRender ? "canary-values-fail.yaml" : "canary-values.yaml");
        File.WriteAllText(path, yaml.ToString());
        return path;
    }
}
