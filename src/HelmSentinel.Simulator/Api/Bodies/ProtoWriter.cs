using System.Text;

namespace HelmSentinel.Simulator.Api.Bodies;

/// <summary>A minimal protobuf wire-format writer: fields appended in the order they are written.</summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> _bytes = [];

    /// <summary>A length-delimited string field (written even when empty, as Go's generated marshallers do for
    /// non-pointer strings).</summary>
    public ProtoWriter Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A length-delimited field: bytes or an embedded message.</summary>
    public ProtoWriter Bytes(int field, byte[] value)
    {
        Varint((ulong)((field << 3) | 2));
        Varint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    /// <summary>A varint field (int32, int64, bool).</summary>
    public ProtoWriter Number(int field, long value)
    {
        Varint((ulong)(field << 3));
        Varint(unchecked((ulong)value));
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private void Varint(ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            _bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
    }
}
