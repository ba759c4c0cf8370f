using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// Which long flags one argument sets when <c>helm upgrade</c> parses it, the way spf13/pflag does
/// (<c>parseLongArg</c>, <c>parseSingleShortArg</c>), with the shorthands of helm's upgrade command
/// (helm/helm pkg/cmd/upgrade.go, flags.go, pkg/cli/environment.go, and cobra's <c>-h</c>). Conservative: an argument is
/// never taken as the value of the one before it, so every argument is looked at.
/// </summary>
internal static class PflagModel
{
    /// <summary>Flags no extra argument may set: the engine's own, and <c>help</c> (helm prints its help and exits 0, so
    /// the guard would report a deploy that never ran as a success).</summary>
    public static IReadOnlySet<string> Refused { get; } = new HashSet<string>(HelmArguments.OwnedFlags.Append("help"), StringComparer.Ordinal);

    /// <summary>Long flags to generate: the refused ones and others helm upgrade knows.</summary>
    public static string[] LongFlags { get; } =
    [
        .. Refused, "skip-crds", "dependency-update", "labels", "post-renderer", "post-renderer-args", "debug", "devel", "no-hooks",
        "take-ownership", "server-side", "force-conflicts", "kube-apiserver", "kube-token", "reset-then-reuse-values", "hide-notes",
        "set-json", "set-literal", "repo", "plain-http", "verify", "render-subchart-notes",
    ];

    // helm upgrade's shorthands: h and i are booleans; f, l, n and o take a value (the rest of the argument, or after '=').
    private static readonly Dictionary<char, (string Name, bool TakesValue)> Shorthands = new()
    {
        ['h'] = ("help", false),
        ['i'] = ("install", false),
        ['f'] = ("values", true),
        ['l'] = ("labels", true),
        ['n'] = ("namespace", true),
        ['o'] = ("output", true),
    };

    /// <summary>The long names of the flags <paramref name="argument"/> sets.</summary>
    public static IEnumerable<string> FlagsSetBy(string argument)
    {
        if (argument.StartsWith("--", StringComparison.Ordinal))
        {
            var name = argument[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? name : name[..equals];
            yield break;
        }

        if (argument.Length < 2 || argument[0] != '-')
        {
            yield break;
        }

        // "-abc": each letter a flag until one takes a value; "-a=x" gives a its value; an unknown letter is an error.
        var shorthands = argument[1..];
        while (shorthands.Length > 0 && Shorthands.TryGetValue(shorthands[0], out var flag))
        {
            yield return flag.Name;
            if (flag.TakesValue || (shorthands.Length > 2 && shorthands[1] == '='))
            {
                yield break;
            }

            shorthands = shorthands[1..];
        }
    }
}
