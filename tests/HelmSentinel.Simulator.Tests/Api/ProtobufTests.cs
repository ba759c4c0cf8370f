using System.Text;
using HelmSentinel.Simulator.Api.Bodies;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class ProtobufTests
{
    [Fact]
    public void A_protobuf_Secret_decodes_to_its_JSON_form()
    {
        // Arrange: the shape of Helm's release Secret
        var meta = Message(
            Text(1, "sh.helm.release.v1.web.v1"),
            Bytes(11, Message(Text(1, "owner"), Text(2, "helm"))),
            Bytes(11, Message(Text(1, "status"), Text(2, "deployed"))),
            Bytes(12, Message(Text(1, "note"), Text(2, "hi"))),
            Text(6, "42"));
        var secret = Message(
            Bytes(1, meta),
            Bytes(2, Message(Text(1, "release"), Bytes(2, [0x1f, 0x8b, 0x00]))),
            Text(3, "helm.sh/release.v1"));
        var body = Envelope("v1", "Secret", secret);

        // Act
        var obj = KubeProtobuf.Decode(body);

        // Assert
        obj.ToJsonString().Should().Be(
            """{"metadata":{"name":"sh.helm.release.v1.web.v1","labels":{"owner":"helm","status":"deployed"},"annotations":{"note":"hi"},"resourceVersion":"42"},"data":{"release":"H4sA"},"type":"helm.sh/release.v1","apiVersion":"v1","kind":"Secret"}""");
    }

    [Fact]
    public void Protobuf_DeleteOptions_decode_every_field()
    {
        // Arrange
        var options = Message(
            Varint(1, 30),
            Bytes(2, Message(Text(1, "uid-1"), Text(2, "7"))),
            Varint(3, 0),
            Text(4, "Background"),
            Text(5, "All"));
        var body = Envelope("meta.k8s.io/v1", "DeleteOptions", options);

        // Act
        var obj = KubeProtobuf.Decode(body);

        // Assert
        obj.ToJsonString().Should().Be(
            """{"gracePeriodSeconds":30,"preconditions":{"uid":"uid-1","resourceVersion":"7"},"orphanDependents":false,"propagationPolicy":"Background","dryRun":["All"],"apiVersion":"meta.k8s.io/v1","kind":"DeleteOptions"}""");
    }

    [Fact]
    public void A_body_without_the_k8s_magic_is_BadRequest()
    {
        // Act
        var decode = () => KubeProtobuf.Decode(new byte[] { 1, 2, 3, 4, 5 });

        // Assert
        decode.Should().Throw<HelmSentinel.Simulator.Storage.ApiException>().Where(e => e.Code == 400);
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8.ToArray(), .. Bytes(1, Message(Text(1, apiVersion), Text(2, kind))), .. Bytes(2, raw)];

    private static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] value) => [.. Encode((ulong)((field << 3) | 2)), .. Encode((ulong)value.Length), .. value];

    private static byte[] Varint(int field, ulong value) => [.. Encode((ulong)(field << 3)), .. Encode(value)];

    private static byte[] Encode(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
