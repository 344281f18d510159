using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// MessagePack formatters for hub arguments and results that go through the JSON hub protocol's System.Text.Json
/// options: a value is shaped by the same metadata and naming as in JSON (camelCase names, the same strings for
/// timestamps and enums, the same nulls), then carried as MessagePack. One contract, two encodings.
/// </summary>
/// <remarks>
/// Arguments come in as MessagePack, are turned into JSON text and read as JSON, so hub methods (which take
/// <see cref="JsonElement"/>) and their validation see exactly what a JSON client would have sent.
/// </remarks>
internal sealed class JsonContractResolver(JsonSerializerOptions json) : IFormatterResolver
{
    private readonly ConcurrentDictionary<Type, object> _formatters = new();

    // The same contract; only JSON's escaping differs (it never reaches MessagePack), so most strings are copied as they are.
    private readonly JsonSerializerOptions _json = new(json) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IMessagePackFormatter<T> GetFormatter<T>() =>
        (IMessagePackFormatter<T>)_formatters.GetOrAdd(typeof(T), static (_, options) => new Formatter<T>(options), _json);

    private sealed class Formatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
                return;
            }
            MessagePackJson.FromJson(ref writer, JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), json));
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var text = new ArrayBufferWriter<byte>();
            MessagePackJson.ToJson(ref reader, text);
            if (typeof(T) == typeof(JsonElement))
            {
                // Not through the serializer: the element must keep text that is not Unicode for the protocol to refuse by name.
                using var document = JsonDocument.Parse(text.WrittenMemory);
                return (T)(object)document.RootElement.Clone();
            }
            return JsonSerializer.Deserialize<T>(text.WrittenSpan, json)!;
        }
    }
}
