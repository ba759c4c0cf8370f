using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Simulator.Faults;

/// <summary>
/// The text form of faults, the same in the cluster file's <c>faults:</c> list (YAML) and in <c>/_sim/faults</c>
/// (JSON): one object per fault with camelCase keys, <c>kind</c> in kebab-case (<c>status</c>, <c>leader-changed</c>,
/// <c>conflict</c>, <c>latency</c>, <c>reset</c>, <c>watch-cut</c>, <c>refuse-release-writes</c>), durations as
/// <c>250ms</c>, <c>1.5s</c>, <c>2m</c> or a number of seconds.
/// </summary>
public static class FaultJson
{
    private static readonly IReadOnlyDictionary<string, FaultKind> Kinds = new Dictionary<string, FaultKind>(StringComparer.Ordinal)
    {
        ["status"] = FaultKind.Status,
        ["leader-changed"] = FaultKind.LeaderChanged,
        ["conflict"] = FaultKind.Conflict,
        ["latency"] = FaultKind.Latency,
        ["reset"] = FaultKind.Reset,
        ["watch-cut"] = FaultKind.WatchCut,
        ["refuse-release-writes"] = FaultKind.RefuseReleaseWrites,
    };

    private static readonly string[] Keys =
    [
        "id", "kind", "verb", "resource", "namespace", "name", "releaseSecrets", "path", "fromRequest", "fromTime", "forRequests",
        "forTime", "code", "message", "retryAfterSeconds", "delay", "afterEvents", "afterTime", "user",
    ];

    /// <summary>Reads one fault.</summary>
    /// <exception cref="FormatException">The node is not a valid fault; the message names the key.</exception>
    public static FaultRule Parse(JsonNode? node)
    {
        if (node is not JsonObject map)
        {
            throw new FormatException("a fault must be an object with at least 'kind'");
        }

        if (map.Select(p => p.Key).FirstOrDefault(k => !Keys.Contains(k)) is { } unknown)
        {
            throw new FormatException($"unknown fault key '{unknown}' (expected {string.Join(", ", Keys)})");
        }

        var kindText = Text(map, "kind") ?? throw new FormatException($"a fault needs 'kind' ({string.Join(", ", Kinds.Keys)})");
        if (!Kinds.TryGetValue(kindText, out var kind))
        {
            throw new FormatException($"unknown fault kind '{kindText}' (expected {string.Join(", ", Kinds.Keys)})");
        }

        var rule = new FaultRule
        {
            Id = Text(map, "id"),
            Kind = kind,
            Verb = Text(map, "verb") ?? "*",
            Resource = Text(map, "resource") ?? "*",
            Namespace = Text(map, "namespace") ?? "*",
            Name = Text(map, "name"),
            ReleaseSecrets = Flag(map, "releaseSecrets"),
            Path = Text(map, "path"),
            FromRequest = Number(map, "fromRequest") ?? 1,
            FromTime = Duration(map, "fromTime") ?? TimeSpan.Zero,
            ForRequests = Number(map, "forRequests"),
            ForTime = Duration(map, "forTime"),
            Code = Number(map, "code"),
            Message = Text(map, "message"),
            RetryAfterSeconds = Number(map, "retryAfterSeconds"),
            Delay = Duration(map, "delay") ?? TimeSpan.Zero,
            AfterEvents = Number(map, "afterEvents"),
            AfterTime = Duration(map, "afterTime"),
            User = Text(map, "user") ?? "system:anonymous",
        };
        return rule.Problem() is { } problem ? throw new FormatException($"fault '{rule.Id ?? kindText}': {problem}") : rule;
    }

    /// <summary>Reads a JSON list of faults, or a single fault.</summary>
    /// <exception cref="FormatException">The text is not JSON, or a fault is invalid.</exception>
    public static IReadOnlyList<FaultRule> ParseText(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("faults are not valid JSON: " + e.Message, e);
        }

        return node is JsonArray list ? [.. list.Select(Parse)] : [Parse(node)];
    }

    /// <summary>Reads the cluster file's <c>faults:</c> list.</summary>
    /// <exception cref="FormatException">The section is not a list of valid faults.</exception>
    public static IReadOnlyList<FaultRule> ParseYaml(YamlNode node) =>
        node is YamlSequenceNode list
            ? [.. list.Children.Select(item => Parse(FromYaml(item)))]
            : throw new FormatException("'faults' must be a list of {kind, ...} (see the simulator README)");

    /// <summary>The JSON form of a fault (what <c>GET /_sim/faults</c> lists), with its counts when given.</summary>
    public static JsonObject ToJson(FaultRule rule, FaultCount? count = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var json = new JsonObject
        {
            ["id"] = rule.Id,
            ["kind"] = Kinds.First(k => k.Value == rule.Kind).Key,
            ["verb"] = rule.Verb,
            ["resource"] = rule.Resource,
            ["namespace"] = rule.Namespace,
        };
        Put(json, "name", rule.Name);
        if (rule.ReleaseSecrets)
        {
            json["releaseSecrets"] = true;
        }

        Put(json, "path", rule.Path);
        json["fromRequest"] = rule.FromRequest;
        if (rule.FromTime > TimeSpan.Zero)
        {
            json["fromTime"] = FormatDuration(rule.FromTime);
        }

        Put(json, "forRequests", rule.ForRequests);
        Put(json, "forTime", rule.ForTime is { } forTime ? FormatDuration(forTime) : null);
        if (rule.EffectiveCode != 0)
        {
            json["code"] = rule.EffectiveCode;
        }

        Put(json, "message", rule.Message);
        Put(json, "retryAfterSeconds", rule.EffectiveRetryAfter);
        if (rule.Kind == FaultKind.Latency)
        {
            json["delay"] = FormatDuration(rule.Delay);
        }

        Put(json, "afterEvents", rule.AfterEvents);
        Put(json, "afterTime", rule.AfterTime is { } afterTime ? FormatDuration(afterTime) : null);
        if (rule.Kind == FaultKind.RefuseReleaseWrites && rule.EffectiveCode == 403)
        {
            json["user"] = rule.User;
        }

        if (count is not null)
        {
            json["added"] = count.AddedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            json["matched"] = count.Matched;
            json["fired"] = count.Fired;
        }

        return json;
    }

    /// <summary><c>250ms</c>, <c>2s</c>, <c>1.5s</c>: the shortest exact form.</summary>
    public static string FormatDuration(TimeSpan value) =>
        value.TotalMilliseconds < 1000 || value.TotalMilliseconds % 100 != 0
            ? value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms"
            : value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    private static void Put(JsonObject json, string key, string? value)
    {
        if (value is not null)
        {
            json[key] = value;
        }
    }

    private static void Put(JsonObject json, string key, int? value)
    {
        if (value is not null)
        {
            json[key] = value;
        }
    }

    /// <summary>A YAML node as JSON with every scalar a string: the readers below accept numbers and flags as text.</summary>
    private static JsonNode? FromYaml(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create((c.Key as YamlScalarNode)?.Value ?? throw new FormatException("fault keys must be plain values"), FromYaml(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(FromYaml)]),
        YamlScalarNode scalar => scalar.Value is null or "~" or "null" ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static string? Text(JsonObject map, string key) => map[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw new FormatException($"fault key '{key}' must be a string"),
    };

    private static int? Number(JsonObject map, string key)
    {
        var text = Text(map, key);
        return text is null ? null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new FormatException($"fault key '{key}' must be a whole number, not '{text}'");
    }

    private static bool Flag(JsonObject map, string key) => map[key] switch
    {
        null => false,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b) => b,
        _ => throw new FormatException($"fault key '{key}' must be true or false"),
    };

    private static TimeSpan? Duration(JsonObject map, string key)
    {
        var text = Text(map, key);
        try
        {
            return text is null ? null : Quantity.ParseDuration(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"fault key '{key}': {e.Message}", e);
        }
    }
}
