using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// Minimal OpenAPI v3 documents: for each kind a PATCH operation with <c>x-kubernetes-group-version-kind</c>
/// and a <c>fieldValidation</c> parameter, which is what client-go's query-param verifier looks for, so Helm
/// validates server-side and never asks for <c>/openapi/v2</c>.
/// </summary>
internal static class OpenApi
{
    private const string Hash = "5133B5E8C1A3F0D7";

    public static string PathOf(string groupVersion) => groupVersion.Contains('/', StringComparison.Ordinal) ? $"apis/{groupVersion}" : $"api/{groupVersion}";

    public static JsonObject Root(TypeCatalogue types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.GroupVersions)
        {
            paths[PathOf(gv)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{PathOf(gv)}?hash={Hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? Document(TypeCatalogue types, string path)
    {
        var gv = types.GroupVersions.FirstOrDefault(g => PathOf(g) == path);
        if (gv is null)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var type in types.InGroupVersion(gv))
        {
            var prefix = "/" + PathOf(gv) + (type.Namespaced ? "/namespaces/{namespace}/" : "/") + type.Resource;
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind },
                    ["parameters"] = new JsonArray(
                        Parameter("fieldValidation"), Parameter("fieldManager"), Parameter("dryRun"), Parameter("force")),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
            paths[prefix] = new JsonObject
            {
                ["post"] = new JsonObject
                {
                    ["x-kubernetes-action"] = "post",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind },
                    ["parameters"] = new JsonArray(Parameter("fieldValidation"), Parameter("fieldManager"), Parameter("dryRun")),
                    ["responses"] = new JsonObject { ["201"] = new JsonObject { ["description"] = "Created" } },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.3" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Parameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
