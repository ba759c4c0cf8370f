using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Bodies;

/// <summary>
/// Decodes the Kubernetes protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>): the <c>k8s\0</c>
/// magic, the runtime.Unknown envelope, and the Secret, ConfigMap and DeleteOptions messages (any other kind
/// keeps just its ObjectMeta) into the JSON form the rest of the simulator works with. Encodes one kind, the
/// <c>Status</c> of a failure, for clients that ask for protobuf (Helm's release storage does).
/// </summary>
internal static class KubeProtobuf
{
    /// <summary>The protobuf media type.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>
    /// A <c>Status</c> (in its JSON form) as the apiserver's protobuf serializer writes it: the magic, then
    /// runtime.Unknown {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4} around
    /// meta/v1 Status {metadata=1 ListMeta, status=2, message=3, reason=4, details=5, code=6}; StatusDetails {name=1,
    /// group=2, kind=3, causes=4 {reason=1, message=2, field=3}, retryAfterSeconds=5, uid=6}.
    /// </summary>
    public static byte[] EncodeStatus(JsonObject status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var message = new ProtoWriter()
            .Bytes(1, [])
            .Text(2, status.Text("status") ?? "Failure")
            .Text(3, status.Text("message") ?? string.Empty)
            .Text(4, status.Text("reason") ?? string.Empty);
        if (status["details"] is JsonObject details)
        {
            var d = new ProtoWriter()
                .Text(1, details.Text("name") ?? string.Empty)
                .Text(2, details.Text("group") ?? string.Empty)
                .Text(3, details.Text("kind") ?? string.Empty);
            foreach (var cause in details.Items("causes"))
            {
                d.Bytes(4, new ProtoWriter()
                    .Text(1, cause.Text("reason") ?? string.Empty)
                    .Text(2, cause.Text("message") ?? string.Empty)
                    .Text(3, cause.Text("field") ?? string.Empty)
                    .ToArray());
            }

            d.Number(5, details.Long("retryAfterSeconds") ?? 0).Text(6, details.Text("uid") ?? string.Empty);
            message.Bytes(5, d.ToArray());
        }

        message.Number(6, status.Long("code") ?? 0);
        var envelope = new ProtoWriter()
            .Bytes(1, new ProtoWriter().Text(1, "v1").Text(2, "Status").ToArray())
            .Bytes(2, message.ToArray())
            .Text(3, string.Empty)
            .Text(4, string.Empty);
        return [.. Magic, .. envelope.ToArray()];
    }

    /// <summary>Whether the answer should be protobuf: the first media type of <paramref name="accept"/> the
    /// apiserver can write (JSON, YAML, protobuf, or a wildcard) is protobuf.</summary>
    public static bool Wanted(string? accept)
    {
        foreach (var part in (accept ?? string.Empty).Split(','))
        {
            var mediaType = part.Split(';')[0].Trim().ToLowerInvariant();
            switch (mediaType)
            {
                case MediaType:
                    return true;
                case "application/json" or "application/yaml" or "*/*" or "application/*":
                    return false;
            }
        }

        return false;
    }

    /// <summary>The JSON object equivalent of a protobuf body.</summary>
    public static JsonObject Decode(ReadOnlyMemory<byte> body)
    {
        if (body.Length < 4 || !body.Span[..4].SequenceEqual(Magic))
        {
            throw ApiException.BadRequest("protobuf body does not start with the k8s magic number");
        }

        string? apiVersion = null;
        string? kind = null;
        var raw = ReadOnlyMemory<byte>.Empty;
        foreach (var field in ProtoReader.Fields(body[4..]))
        {
            if (field.Number == 1)
            {
                foreach (var typeMeta in ProtoReader.Fields(field.Bytes))
                {
                    if (typeMeta.Number == 1)
                    {
                        apiVersion = typeMeta.Text;
                    }
                    else if (typeMeta.Number == 2)
                    {
                        kind = typeMeta.Text;
                    }
                }
            }
            else if (field.Number == 2)
            {
                raw = field.Bytes;
            }
        }

        var obj = kind switch
        {
            "Secret" => Secret(raw),
            "ConfigMap" => ConfigMap(raw),
            "DeleteOptions" => DeleteOptions(raw),
            _ => MetadataOnly(raw),
        };
        if (apiVersion is not null)
        {
            obj["apiVersion"] = apiVersion;
        }

        if (kind is not null)
        {
            obj["kind"] = kind;
        }

        return obj;
    }

    /// <summary>ObjectMeta: name=1, generateName=2, namespace=3, uid=5, resourceVersion=6, generation=7, creationTimestamp=8, labels=11, annotations=12, ownerReferences=13.</summary>
    public static JsonObject ObjectMeta(ReadOnlyMemory<byte> message)
    {
        var meta = new JsonObject();
        foreach (var field in ProtoReader.Fields(message))
        {
            switch (field.Number)
            {
                case 1:
                    meta["name"] = field.Text;
                    break;
                case 2:
                    meta["generateName"] = field.Text;
                    break;
                case 3:
                    meta["namespace"] = field.Text;
                    break;
                case 5:
                    meta["uid"] = field.Text;
                    break;
                case 6:
                    meta["resourceVersion"] = field.Text;
                    break;
                case 7:
                    meta["generation"] = (long)field.Number64;
                    break;
                case 8:
                    var seconds = ProtoReader.Fields(field.Bytes).FirstOrDefault(f => f.Number == 1).Number64;
                    meta["creationTimestamp"] = DateTimeOffset.FromUnixTimeSeconds((long)seconds).UtcDateTime
                        .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    break;
                case 11:
                    AddEntry(meta.Obj("labels"), field.Bytes);
                    break;
                case 12:
                    AddEntry(meta.Obj("annotations"), field.Bytes);
                    break;
                case 13:
                    var references = meta["ownerReferences"] as JsonArray ?? [];
                    meta["ownerReferences"] = references;
                    references.Add(OwnerReference(field.Bytes));
                    break;
            }
        }

        return meta;
    }

    private static JsonObject OwnerReference(ReadOnlyMemory<byte> message)
    {
        var reference = new JsonObject();
        foreach (var field in ProtoReader.Fields(message))
        {
            switch (field.Number)
            {
                case 1:
                    reference["kind"] = field.Text;
                    break;
                case 3:
                    reference["name"] = field.Text;
                    break;
                case 4:
                    reference["uid"] = field.Text;
                    break;
                case 5:
                    reference["apiVersion"] = field.Text;
                    break;
                case 6:
                    reference["controller"] = field.Number64 != 0;
                    break;
                case 7:
                    reference["blockOwnerDeletion"] = field.Number64 != 0;
                    break;
            }
        }

        return reference;
    }

    private static void AddEntry(JsonObject map, ReadOnlyMemory<byte> entry)
    {
        var (key, value) = ProtoReader.MapEntry(entry);
        map[key] = Encoding.UTF8.GetString(value.Span);
    }

    private static JsonObject MetadataOnly(ReadOnlyMemory<byte> raw)
    {
        var obj = new JsonObject();
        foreach (var field in ProtoReader.Fields(raw).Where(f => f.Number == 1 && f.WireType == 2))
        {
            obj["metadata"] = ObjectMeta(field.Bytes);
        }

        return obj;
    }

    /// <summary>Secret: metadata=1, data=2 (map string→bytes), type=3, stringData=4, immutable=5.</summary>
    private static JsonObject Secret(ReadOnlyMemory<byte> raw)
    {
        var obj = new JsonObject();
        foreach (var field in ProtoReader.Fields(raw))
        {
            switch (field.Number)
            {
                case 1:
                    obj["metadata"] = ObjectMeta(field.Bytes);
                    break;
                case 2:
                    var (key, value) = ProtoReader.MapEntry(field.Bytes);
                    obj.Obj("data")[key] = Convert.ToBase64String(value.Span);
                    break;
                case 3:
                    obj["type"] = field.Text;
                    break;
                case 4:
                    AddEntry(obj.Obj("stringData"), field.Bytes);
                    break;
                case 5:
                    obj["immutable"] = field.Number64 != 0;
                    break;
            }
        }

        return obj;
    }

    /// <summary>ConfigMap: metadata=1, data=2 (map string→string), binaryData=3 (map string→bytes), immutable=4.</summary>
    private static JsonObject ConfigMap(ReadOnlyMemory<byte> raw)
    {
        var obj = new JsonObject();
        foreach (var field in ProtoReader.Fields(raw))
        {
            switch (field.Number)
            {
                case 1:
                    obj["metadata"] = ObjectMeta(field.Bytes);
                    break;
                case 2:
                    AddEntry(obj.Obj("data"), field.Bytes);
                    break;
                case 3:
                    var (key, value) = ProtoReader.MapEntry(field.Bytes);
                    obj.Obj("binaryData")[key] = Convert.ToBase64String(value.Span);
                    break;
                case 4:
                    obj["immutable"] = field.Number64 != 0;
                    break;
            }
        }

        return obj;
    }

    /// <summary>DeleteOptions: gracePeriodSeconds=1, preconditions=2 {uid=1, resourceVersion=2}, orphanDependents=3, propagationPolicy=4, dryRun=5.</summary>
    private static JsonObject DeleteOptions(ReadOnlyMemory<byte> raw)
    {
        var obj = new JsonObject();
        foreach (var field in ProtoReader.Fields(raw))
        {
            switch (field.Number)
            {
                case 1:
                    obj["gracePeriodSeconds"] = (long)field.Number64;
                    break;
                case 2:
                    var preconditions = new JsonObject();
                    foreach (var p in ProtoReader.Fields(field.Bytes))
                    {
                        preconditions[p.Number == 1 ? "uid" : "resourceVersion"] = p.Text;
                    }

                    obj["preconditions"] = preconditions;
                    break;
                case 3:
                    obj["orphanDependents"] = field.Number64 != 0;
                    break;
                case 4:
                    obj["propagationPolicy"] = field.Text;
                    break;
                case 5:
                    var dryRun = obj["dryRun"] as JsonArray ?? [];
                    obj["dryRun"] = dryRun;
                    dryRun.Add(field.Text);
                    break;
            }
        }

        return obj;
    }
}
