using System.Buffers;
using System.Globalization;
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

    /// <summary>
    /// Writes JSON text (as System.Text.Json wrote it) as MessagePack: objects as maps with the same keys, arrays,
    /// strings, numbers, literals. Two passes over the text: the first counts each container's items, because a
    /// MessagePack map or array starts with its size.
    /// </summary>
    public static void FromJson(ref MessagePackWriter writer, ReadOnlySpan<byte> json)
    {
        var sizes = new List<int>();
        var open = new Stack<(int Index, bool IsObject)>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                open.Pop();
                continue;
            }
            // An object's size is its properties, an array's its values.
            if (open.TryPeek(out var parent) && (token == JsonTokenType.PropertyName) == parent.IsObject) sizes[parent.Index]++;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                open.Push((sizes.Count, token == JsonTokenType.StartObject));
                sizes.Add(0);
            }
        }
        var next = 0;
        reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(sizes[next++]);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(sizes[next++]);
                    break;
                case JsonTokenType.PropertyName or JsonTokenType.String:
                    if (reader.ValueIsEscaped) writer.Write(reader.GetString());
                    else writer.WriteString(reader.ValueSpan);
                    break;
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var integer)) writer.Write(integer);
                    else if (reader.TryGetUInt64(out var large)) writer.Write(large);
                    else writer.Write(reader.GetDouble());
                    break;
                case JsonTokenType.True:
                    writer.Write(true);
                    break;
                case JsonTokenType.False:
                    writer.Write(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
            }
        }
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
