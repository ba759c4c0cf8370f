using HelmSentinel.Deploy;
using HelmSentinel.Plan;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Reporting;

/// <summary>The machine-readable plan (<c>--json FILE</c>): the same content as the reports, masked, with Secrets reduced to
/// key names and lengths. Pure.</summary>
public static class PlanJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The plan as indented JSON.</summary>
    public static string Write(DeployPlan plan, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        plan = plan.MaskedWith(masker);
        var root = new JsonObject
        {
            ["release"] = plan.Release,
            ["namespace"] = plan.Namespace,
            ["chart"] = plan.Chart,
            ["result"] = plan.Result.ToString().ToLowerInvariant(),
            ["exitCode"] = plan.ExitCode,
            ["error"] = plan.Error,
            ["deployedRevision"] = plan.DeployedRevision,
            ["before"] = plan.Before is { } b ? new JsonObject { ["chart"] = b.Chart, ["appVersion"] = b.AppVersion } : null,
            ["after"] = plan.After is { } a ? new JsonObject { ["chart"] = a.Chart, ["appVersion"] = a.AppVersion } : null,
            ["hasChanges"] = plan.HasChanges,
            ["blockingFindings"] = plan.BlockingCount,
            ["releaseBytes"] = plan.ReleaseBytes,
            ["headlines"] = new JsonArray([.. PlanHeadlines.Of(plan).Select(h => (JsonNode)h)]),
            ["findings"] = new JsonArray([.. plan.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["severity"] = f.SeverityName,
                ["check"] = f.Check,
                ["object"] = Key(f.Object),
                ["message"] = f.Message,
                ["fix"] = f.Fix,
            })]),
            ["notes"] = new JsonArray([.. plan.Notes.Select(n => (JsonNode)n)]),
            ["inputErrors"] = new JsonArray([.. plan.InputErrors.Select(e => (JsonNode)new JsonObject { ["input"] = e.Input, ["message"] = e.Message })]),
            ["objects"] = new JsonArray([.. plan.Changes.Select(c => (JsonNode)new JsonObject
            {
                ["key"] = Key(c.Key),
                ["apiVersion"] = c.ApiVersion,
                ["source"] = c.Source,
                ["hook"] = c.IsHook,
                ["action"] = c.Action.ToString().ToLowerInvariant(),
                ["fields"] = new JsonArray([.. c.Fields.Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Path,
                    ["before"] = f.Before,
                    ["after"] = f.After,
                    ["lines"] = f.Lines is null ? null : new JsonArray([.. f.Lines.Select(l => (JsonNode)l)]),
                })]),
                ["secretKeys"] = c.SecretKeys.Count == 0 ? null : new JsonArray([.. c.SecretKeys.Select(k => (JsonNode)new JsonObject
                {
                    ["key"] = k.Key,
                    ["state"] = k.State.ToString().ToLowerInvariant(),
                    ["bytesBefore"] = k.BytesBefore,
                    ["bytesAfter"] = k.BytesAfter,
                })]),
            })]),
        };
        return masker.Mask(root.ToJsonString(Indented)) + "\n";
    }

    private static JsonObject? Key(ObjectKey? key) => key is null ? null : new JsonObject
    {
        ["group"] = key.Group,
        ["kind"] = key.Kind,
        ["namespace"] = key.Namespace,
        ["name"] = key.Name,
    };
}
