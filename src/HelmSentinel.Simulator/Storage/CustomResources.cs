using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// CustomResourceDefinitions as the apiextensions apiserver reads them: the checks of a definition (a subset of
/// <c>ValidateCustomResourceDefinition</c>), the status its naming and establishing controllers write, and the
/// types it serves (one per served version).
/// </summary>
internal static class CustomResources
{
    /// <summary>The 422 errors of a definition: its name must be <c>PLURAL.GROUP</c>, and it needs a group, names, a
    /// scope and versions of which exactly one is the storage version. Schemas are not checked.</summary>
    public static List<FieldError> Errors(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var group = crd.Text("spec.group");
        var plural = crd.Text("spec.names.plural");
        if (group is not { Length: > 0 })
        {
            errors.Add(new FieldError("spec.group", "FieldValueRequired", "Required value"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid("spec.group", $"\"{group}\"", "should be a domain with at least one dot"));
        }

        if (plural is not { Length: > 0 })
        {
            errors.Add(new FieldError("spec.names.plural", "FieldValueRequired", "Required value"));
        }

        if (crd.Text("spec.names.kind") is not { Length: > 0 })
        {
            errors.Add(new FieldError("spec.names.kind", "FieldValueRequired", "Required value"));
        }

        if (group is { Length: > 0 } && plural is { Length: > 0 } && crd.Text("metadata.name") is { } name && name != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid("metadata.name", $"\"{name}\"", "must be spec.names.plural+\".\"+spec.group"));
        }

        if (crd.Text("spec.scope") is not ("Namespaced" or "Cluster"))
        {
            errors.Add(new FieldError("spec.scope", "FieldValueNotSupported", $"Unsupported value: \"{crd.Text("spec.scope")}\": supported values: \"Cluster\", \"Namespaced\""));
        }

        var versions = (crd["spec"] as JsonObject).Items("versions").ToList();
        if (versions.Count == 0)
        {
            errors.Add(new FieldError("spec.versions", "FieldValueInvalid", "Invalid value: \"null\": must have exactly one version marked as storage version"));
        }
        else if (versions.Count(v => Flag(v, "storage") == true) != 1)
        {
            errors.Add(new FieldError("spec.versions", "FieldValueInvalid", "Invalid value: must have exactly one version marked as storage version"));
        }

        return errors;
    }

    /// <summary>
    /// Writes the status the apiserver's controllers give an accepted definition: <c>acceptedNames</c>, the conditions
    /// <c>NamesAccepted</c> and <c>Established</c> (True, as they are a moment after the create), and <c>storedVersions</c>.
    /// Condition times are kept while the status does not change.
    /// </summary>
    public static void Establish(JsonObject crd, JsonObject? previous, DateTimeOffset now)
    {
        var names = crd.At("spec.names")?.DeepClone() as JsonObject ?? [];
        names.Default("singular", (names.Text("kind") ?? string.Empty).ToLowerInvariant());
        names.Default("listKind", names.Text("kind") + "List");
        crd.Obj("spec").Obj("names")["singular"] = names.Text("singular");
        crd.Obj("spec").Obj("names")["listKind"] = names.Text("listKind");
        var time = previous?.Text("status.conditions") is null ? JsonTime(now) : null;
        JsonObject Condition(string type, string reason, string message)
        {
            var before = (previous?["status"] as JsonObject).Items("conditions").FirstOrDefault(c => c.Text("type") == type);
            return new JsonObject
            {
                ["type"] = type,
                ["status"] = "True",
                ["lastTransitionTime"] = before?.Text("lastTransitionTime") ?? time ?? JsonTime(now),
                ["reason"] = reason,
                ["message"] = message,
            };
        }

        var stored = (previous?.At("status.storedVersions") as JsonArray)?.Select(v => v?.GetValue<string>()).OfType<string>().ToList() ?? [];
        if ((crd["spec"] as JsonObject).Items("versions").FirstOrDefault(v => Flag(v, "storage") == true)?.Text("name") is { } storage && !stored.Contains(storage))
        {
            stored.Add(storage);
        }

        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = names,
            ["storedVersions"] = new JsonArray(stored.Select(v => (JsonNode)v).ToArray()),
        };
    }

    /// <summary>The types a definition serves: one per version with <c>served: true</c>, in its order.</summary>
    public static IReadOnlyList<ResourceType> Types(JsonObject crd)
    {
        var group = crd.Text("spec.group")!;
        var names = crd["spec"]!["names"] as JsonObject;
        var shortNames = Strings(names, "shortNames");
        var categories = Strings(names, "categories");
        var types = new List<ResourceType>();
        foreach (var version in (crd["spec"] as JsonObject).Items("versions").Where(v => Flag(v, "served") != false))
        {
            var columns = version.Items("additionalPrinterColumns")
                .Select(c => new PrinterColumn(c.Text("name") ?? string.Empty, c.Text("type") ?? "string", c.Text("jsonPath") ?? string.Empty, (int)(c.Long("priority") ?? 0)))
                .ToList();
            types.Add(new ResourceType(group, version.Text("name")!, names.Text("plural")!, names.Text("kind")!, crd.Text("spec.scope") == "Namespaced", shortNames)
            {
                Definition = crd.Text("metadata.name"),
                Singular = names.Text("singular") ?? names.Text("kind")!.ToLowerInvariant(),
                StatusSubresource = version.At("subresources.status") is JsonObject,
                Categories = categories,
                PrinterColumns = columns,
            });
        }

        return types;
    }

    private static bool? Flag(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static List<string> Strings(JsonObject? parent, string key) =>
        (parent?[key] as JsonArray)?.Select(v => v?.GetValue<string>()).OfType<string>().ToList() ?? [];

    private static string JsonTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
