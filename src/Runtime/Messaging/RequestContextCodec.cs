using System.Collections.Immutable;

namespace Im.Orleans.Messaging;

/// <summary>Request context values on the wire: strings and primitives only, each with a one-byte type tag.</summary>
internal static class RequestContextCodec
{
    private enum Tag : byte { String, Int64, Int32, Boolean, Double, Guid }

    public static void Write(FrameWriter writer, IReadOnlyDictionary<string, object>? values)
    {
        writer.WriteInt32(values?.Count ?? 0);
        if (values is null) return;
        foreach (var (key, value) in values)
        {
            writer.WriteString(key);
            switch (value)
            {
                case string s: writer.WriteByte((byte)Tag.String); writer.WriteString(s); break;
                case long l: writer.WriteByte((byte)Tag.Int64); writer.WriteInt64(l); break;
                case int i: writer.WriteByte((byte)Tag.Int32); writer.WriteInt32(i); break;
                case bool b: writer.WriteByte((byte)Tag.Boolean); writer.WriteByte(b ? (byte)1 : (byte)0); break;
                case double d: writer.WriteByte((byte)Tag.Double); writer.WriteInt64(BitConverter.DoubleToInt64Bits(d)); break;
                case Guid g: writer.WriteByte((byte)Tag.Guid); writer.WriteString(g.ToString("N")); break;
                default: throw new ArgumentException($"RequestContext value '{key}' is a {value.GetType().Name}; only strings, integers, booleans, doubles and Guids travel to other processes.");
            }
        }
    }

    public static IReadOnlyDictionary<string, object>? Read(ref FrameReader reader)
    {
        var count = reader.ReadInt32();
        if (count == 0) return null;
        var values = ImmutableDictionary.CreateBuilder<string, object>();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadRequiredString();
            values[key] = (Tag)reader.ReadByte() switch
            {
                Tag.String => reader.ReadRequiredString(),
                Tag.Int64 => reader.ReadInt64(),
                Tag.Int32 => reader.ReadInt32(),
                Tag.Boolean => reader.ReadByte() != 0,
                Tag.Double => BitConverter.Int64BitsToDouble(reader.ReadInt64()),
                Tag.Guid => Guid.ParseExact(reader.ReadRequiredString(), "N"),
                var tag => throw new FormatException($"Unknown request context tag {tag}."),
            };
        }
        return values.ToImmutable();
    }
}
