using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MessagePack;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Converts between MessagePack values and JSON text, so MessagePack payloads keep the JSON contract (names, values)
/// that System.Text.Json gives our DTOs: objects become maps with the same keys, strings stay strings (timestamps
/// too), numbers stay numbers.
/// </summary>
internal static class MessagePackJson
{
    /// <summary>As deep as System.Text.Json reads JSON, so both protocols refuse the same nesting.</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// Writes the next MessagePack value as JSON text. Strings are copied byte for byte, even when they are not UTF-8,
    /// so that <see cref="HubArguments.FindInvalidText"/> refuses them by name exactly as it does in JSON frames.
    /// </summary>
    public static void ToJson(ref MessagePackReader reader, IBufferWriter<byte> json, int depth = 0)
    {
        if (depth > MaxDepth) throw new MessagePackSerializationException($"values may nest at most {MaxDepth} deep");
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                json.Write("null"u8);
                break;
            case MessagePackType.Boolean:
                json.Write(reader.ReadBoolean() ? "true"u8 : "false"u8);
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64) WriteNumber(json, reader.ReadUInt64());
                else WriteNumber(json, reader.ReadInt64());
                break;
            case MessagePackType.Float:
                var number = reader.ReadDouble();
                if (!double.IsFinite(number)) throw new MessagePackSerializationException("a number is not finite");
                WriteNumber(json, number, "R");
                break;
            case MessagePackType.String:
                WriteString(json, reader.ReadStringSequence()!.Value);
                break;
            case MessagePackType.Binary:
                // System.Text.Json reads byte arrays from base64 strings.
                json.Write("\""u8);
                WriteAscii(json, Convert.ToBase64String(reader.ReadBytes()!.Value.ToArray()));
                json.Write("\""u8);
                break;
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                json.Write("["u8);
                for (var i = 0; i < items; i++)
                {
                    if (i > 0) json.Write(","u8);
                    ToJson(ref reader, json, depth + 1);
                }
                json.Write("]"u8);
                break;
            case MessagePackType.Map:
                var pairs = reader.ReadMapHeader();
                json.Write("{"u8);
                for (var i = 0; i < pairs; i++)
                {
                    if (i > 0) json.Write(","u8);
                    if (reader.NextMessagePackType != MessagePackType.String) throw new MessagePackSerializationException("map keys must be strings");
                    WriteString(json, reader.ReadStringSequence()!.Value);
                    json.Write(":"u8);
                    ToJson(ref reader, json, depth + 1);
                }
                json.Write("}"u8);
                break;
            case MessagePackType.Extension when reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == ReservedMessagePackExtensionTypeCode.DateTime:
                // What clients make of a date (the JS client encodes Date so): the ISO 8601 text JSON would carry.
                json.Write("\""u8);
                WriteAscii(json, reader.ReadDateTime().ToString("O", CultureInfo.InvariantCulture));
                json.Write("\""u8);
                break;
            default:
                throw new MessagePackSerializationException($"MessagePack {reader.NextMessagePackType} values are not part of the protocol");
        }
    }

    /// <summary>Writes a JSON value as MessagePack: objects as maps with the same keys, arrays, strings, numbers, literals.</summary>
    public static void FromJson(ref MessagePackWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in value.EnumerateObject()) count++;
                writer.WriteMapHeader(count);
                foreach (var property in value.EnumerateObject())
                {
                    WriteText(ref writer, JsonMarshal.GetRawUtf8PropertyName(property), () => property.Name);
                    FromJson(ref writer, property.Value);
                }
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray()) FromJson(ref writer, item);
                break;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value);
                WriteText(ref writer, raw[1..^1], value.GetString);
                break;
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var integer)) writer.Write(integer);
                else if (value.TryGetUInt64(out var large)) writer.Write(large);
                else writer.Write(value.GetDouble());
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    /// <summary>Text as UTF-8: the raw JSON bytes when they hold no escape, else the unescaped string.</summary>
    private static void WriteText(ref MessagePackWriter writer, ReadOnlySpan<byte> raw, Func<string?> unescaped)
    {
        if (raw.IndexOf((byte)'\\') < 0) writer.WriteString(raw);
        else writer.Write(unescaped());
    }

    /// <summary>A JSON string of the bytes: quote, backslash and control bytes escaped, every other byte as it is.</summary>
    private static void WriteString(IBufferWriter<byte> json, ReadOnlySequence<byte> text)
    {
        json.Write("\""u8);
        foreach (var segment in text)
        {
            var span = segment.Span;
            var start = 0;
            for (var i = 0; i < span.Length; i++)
            {
                var b = span[i];
                if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\') continue;
                json.Write(span[start..i]);
                WriteAscii(json, b switch
                {
                    (byte)'"' => "\\\"",
                    (byte)'\\' => "\\\\",
                    _ => "\\u" + b.ToString("x4", CultureInfo.InvariantCulture),
                });
                start = i + 1;
            }
            json.Write(span[start..]);
        }
        json.Write("\""u8);
    }

    private static void WriteNumber<T>(IBufferWriter<byte> json, T number, string? format = null) where T : IUtf8SpanFormattable
    {
        var span = json.GetSpan(32);
        if (!number.TryFormat(span, out var written, format, CultureInfo.InvariantCulture))
            throw new MessagePackSerializationException("a number could not be written");
        json.Advance(written);
    }

    private static void WriteAscii(IBufferWriter<byte> json, string text)
    {
        var span = json.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++) span[i] = (byte)text[i];
        json.Advance(text.Length);
    }
}
