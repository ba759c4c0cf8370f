namespace HelmSentinel.Tests.Properties;

/// <summary>
/// How the Azure Pipelines agent reads logging commands, written from its source (microsoft/azure-pipelines-agent
/// @42bde98: <c>Microsoft.VisualStudio.Services.Agent/Command.cs</c> TryParse, <c>Agent.Sdk/CommandStringConvertor.cs</c>,
/// <c>Agent.Worker/WorkerCommandManager.cs</c>) and <c>/work/shared/facts/ci-protocols.md</c> §6: the prefix
/// <c>##vso[</c> anywhere in the line (culture-sensitive, see <see cref="RunnerText"/>), the command info up to the first
/// <c>]</c>, <c>area.event</c>, properties split on <c>;</c> then the first <c>=</c>, then <c>%3B</c>, <c>%0D</c>,
/// <c>%0A</c>, <c>%5D</c> decoded and, when the <c>DECODE_PERCENTS</c> knob is on (its built-in default is true),
/// <c>%AZP25</c>.
/// </summary>
internal static class AzureAgentModel
{
    /// <summary>The areas the agent has command extensions for (case-insensitive); any other area is only a warning.</summary>
    public static IReadOnlySet<string> Areas { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "artifact", "build", "codecoverage", "plugininternal", "release", "results", "task", "telemetry",
    };

    private static readonly (string Token, string Replacement)[] Mappings = [(";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D")];

    /// <summary>One parsed logging command.</summary>
    public sealed record Command(string Area, string Event, IReadOnlyDictionary<string, string> Properties, string Data)
    {
        /// <summary>True when the agent would run it rather than warn that the area is unknown.</summary>
        public bool Runs => Areas.Contains(Area);
    }

    /// <summary>The logging command on one line, or null for a line the agent prints as text.</summary>
    public static Command? Parse(string line, bool decodePercents)
    {
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }

        var prefix = RunnerText.IndexOf(line, "##vso[", 0);
        if (prefix < 0)
        {
            return null;
        }

        var bracket = line.IndexOf(']', prefix);
        var start = prefix + "##vso[".Length;
        if (bracket < start)
        {
            // Not found, or inside a prefix ICU matched with an ignorable character: Substring throws, the agent catches.
            return null;
        }

        var info = line[start..bracket];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        var areaEvent = name.Split(['.'], StringSplitOptions.RemoveEmptyEntries);
        if (areaEvent.Length != 2)
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (var property in info[(space + 1)..].Split([';'], StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = property.Split(['='], count: 2, options: StringSplitOptions.RemoveEmptyEntries);
                if (pair.Length == 2)
                {
                    properties[pair[0]] = Unescape(pair[1], decodePercents);
                }
            }
        }

        return new Command(areaEvent[0], areaEvent[1], properties, Unescape(line[(bracket + 1)..], decodePercents));
    }

    /// <summary><c>CommandStringConvertor.Unescape</c>.</summary>
    public static string Unescape(string escaped, bool decodePercents)
    {
        var text = RunnerText.Unescape(escaped, Mappings);
        return decodePercents ? text.Replace("%AZP25", "%", StringComparison.Ordinal) : text;
    }
}
