using System.CommandLine;
using System.Globalization;
using HelmSentinel.Deploy;
using HelmSentinel.Text;

namespace HelmSentinel.Cli.Parsing;

/// <summary>
/// The kinds of option the commands take: text, repeatable text, durations, whole numbers and on/off switches. Each
/// parses its own value and reports a bad one naming the option (<c>--timeout: 'soon' is not …</c>), so a mistyped
/// command line stops before anything runs. As for the action's inputs, values are trimmed and a blank one counts as
/// not given; an option that is not given reads as null, and the command falls back to the core's default.
/// </summary>
internal static class CliOptions
{
    /// <summary>One text value; giving the option twice is an error.</summary>
    public static Option<string?> Text(string name, string valueName, string description, params string[] aliases) =>
        new(name, aliases)
        {
            HelpName = valueName,
            Description = description,
            CustomParser = static result => Blank(result.Tokens[0].Value),
        };

    /// <summary>A repeatable text value (<c>--set a=1 --set b=2</c>), in the order given.</summary>
    public static Option<string[]> List(string name, string valueName, string description, params string[] aliases) =>
        new(name, aliases)
        {
            HelpName = valueName,
            Description = description,
            CustomParser = static result => [.. result.Tokens.Select(t => Blank(t.Value)).OfType<string>()],
        };

    /// <summary>One of <paramref name="choices"/> (any case), given as the choice's own spelling; anything else is an error
    /// naming the option and the choices.</summary>
    public static Option<string?> Choice(string name, string description, IReadOnlyCollection<string> choices)
    {
        var option = new Option<string?>(name)
        {
            HelpName = string.Join('|', choices),
            Description = description,
            CustomParser = result =>
            {
                var text = Blank(result.Tokens[0].Value);
                if (text is null)
                {
                    return null;
                }

                if (choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) is { } choice)
                {
                    return choice;
                }

                result.AddError($"{name}: '{text}' is not one of {string.Join(", ", choices)}.");
                return null;
            },
        };

        option.CompletionSources.Add([.. choices]);
        return option;
    }

    /// <summary>
    /// A positive Go duration (<c>5m</c>, <c>1h30m</c>) or <c>hh:mm:ss</c>, read by <see cref="GoDuration"/>; with
    /// <paramref name="allowZero"/> also <c>0</c> and <c>0s</c> (a margin or grace that may be switched off).
    /// </summary>
    public static Option<TimeSpan?> Duration(string name, string description, bool allowZero = false) =>
        new(name)
        {
            HelpName = "D",
            Description = description,
            CustomParser = result =>
            {
                var text = Blank(result.Tokens[0].Value);
                if (text is null)
                {
                    return null;
                }

                if (allowZero && text is "0" or "0s")
                {
                    return TimeSpan.Zero;
                }

                if (GoDuration.TryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"{name}: '{text}' is not a {(allowZero ? "duration" : "positive duration")}; expected a Go " +
                    $"duration such as 5m, 90s or 1h30m, or hh:mm:ss{(allowZero ? ", or 0 for none" : "")}.");
                return null;
            },
        };

    /// <summary>
    /// A whole number; <paramref name="problem"/> says what is wrong with one out of range (<c>is not a TCP port
    /// (0-65535)</c>), or null when it is fine.
    /// </summary>
    public static Option<int?> WholeNumber(string name, string valueName, string description, Func<int, string?>? problem = null) =>
        new(name)
        {
            HelpName = valueName,
            Description = description,
            CustomParser = result =>
            {
                var text = Blank(result.Tokens[0].Value);
                if (text is null)
                {
                    return null;
                }

                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    result.AddError($"{name}: '{text}' is not a whole number.");
                    return null;
                }

                if (problem?.Invoke(value) is { } message)
                {
                    result.AddError($"{name}: '{text}' {message}.");
                    return null;
                }

                return value;
            },
        };

    /// <summary>
    /// An on/off switch: <c>--force</c> alone is on; <c>--force false</c> and <c>--force=false</c> say so explicitly
    /// (true/false, yes/no, on/off, 1/0, as <see cref="DeployInputs.Boolean"/> reads the action's inputs).
    /// </summary>
    public static Option<OnOff?> Switch(string name, string description)
    {
        var option = new Option<OnOff?>(name)
        {
            HelpName = "true|false",
            Description = description,
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return new OnOff(true);
                }

                var text = result.Tokens[0].Value;
                if (DeployInputs.Boolean(text) is { } value)
                {
                    return new OnOff(value);
                }

                result.AddError($"{name}: '{text}' is not true or false; give true or false, or {name} alone for true.");
                return null;
            },
        };

        option.CompletionSources.Add("true", "false");
        return option;
    }

    /// <summary><c>--namespace</c>, <c>-n</c>: the release namespace (deploy, history).</summary>
    public static Option<string?> Namespace() => Text("--namespace", "N", "release namespace (default: default)", "-n");

    /// <summary><c>--kube-context</c> (deploy, history).</summary>
    public static Option<string?> KubeContext() => Text("--kube-context", "X", "kubeconfig context");

    /// <summary><c>--kubeconfig</c> (deploy, history).</summary>
    public static Option<string?> Kubeconfig() => Text("--kubeconfig", "F", "kubeconfig file");

    /// <summary><c>--helm</c>: the helm binary (deploy, history, demo).</summary>
    public static Option<string?> Helm() => Text("--helm", "PATH", "helm binary (default: helm on PATH)");

    /// <summary>The value of a switch that was given, or <paramref name="fallback"/>.</summary>
    public static bool GetSwitch(this ParseResult parse, Option<OnOff?> option, bool fallback) =>
        parse.GetValue(option)?.IsOn ?? fallback;

    /// <summary>The values of a repeatable option; empty when it was not given.</summary>
    public static IReadOnlyList<string> GetList(this ParseResult parse, Option<string[]> option) =>
        parse.GetValue(option) ?? [];

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// The value of an on/off option. A type of its own rather than <see cref="bool"/>: System.CommandLine takes the word
/// after a <c>bool</c> option as its value only when that word reads true or false, so <c>--fail-fast maybe</c> would
/// leave a stray <c>maybe</c>; this one takes the word and says what is wrong with it, naming the option.
/// </summary>
/// <param name="IsOn">On or off.</param>
internal readonly record struct OnOff(bool IsOn);
