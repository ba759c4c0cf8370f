using System.Text;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Bodies;

/// <summary>A minimal protobuf wire-format reader: a sequence of (field number, wire type, value) entries.</summary>
internal static class ProtoReader
{
    /// <summary>One field of a message; <see cref="Bytes"/> holds length-delimited and fixed values, <see cref="Number64"/> varints.</summary>
    public readonly record struct Field(int Number, int WireType, ulong Number64, ReadOnlyMemory<byte> Bytes)
    {
        public string Text => Encoding.UTF8.GetString(Bytes.Span);
    }

    /// <summary>The fields of a message, in wire order. Throws 400 on truncated input.</summary>
    public static IReadOnlyList<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var i = 0;
        while (i < span.Length)
        {
            var key = Varint(span, ref i);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add(new Field(number, wireType, Varint(span, ref i), ReadOnlyMemory<byte>.Empty));
                    break;
                case 1:
                    fields.Add(new Field(number, wireType, 0, Take(message, ref i, 8)));
                    break;
                case 2:
                    var length = (int)Varint(span, ref i);
                    fields.Add(new Field(number, wireType, 0, Take(message, ref i, length)));
                    break;
                case 5:
                    fields.Add(new Field(number, wireType, 0, Take(message, ref i, 4)));
                    break;
                default:
                    throw ApiException.BadRequest($"unsupported protobuf wire type {wireType}");
            }
        }

        return fields;
    }

    /// <summary>Splits a map entry message into its key (field 1) and value (field 2).</summary>
    public static (string Key, ReadOnlyMemory<byte> Value) MapEntry(ReadOnlyMemory<byte> entry)
    {
        var key = string.Empty;
        var value = ReadOnlyMemory<byte>.Empty;
        foreach (var field in Fields(entry))
        {
            if (field.Number == 1)
            {
                key = field.Text;
            }
            else if (field.Number == 2)
            {
                value = field.Bytes;
            }
        }

        return (key, value);
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int i)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= span.Length)
            {
                throw ApiException.BadRequest("truncated protobuf varint");
            }

            var b = span[i++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw ApiException.BadRequest("protobuf varint too long");
    }

    private static ReadOnlyMemory<byte> Take(ReadOnlyMemory<byte> message, ref int i, int length)
    {
        if (length < 0 || i + length > message.Length)
        {
            throw ApiException.BadRequest("truncated protobuf field");
        }

        var slice = message.Slice(i, length);
        i += length;
        return slice;
    }
}
