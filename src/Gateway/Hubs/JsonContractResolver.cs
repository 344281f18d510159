using System.Buffers;
using System.Collections.Concurrent;
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

    public IMessagePackFormatter<T> GetFormatter<T>() =>
        (IMessagePackFormatter<T>)_formatters.GetOrAdd(typeof(T), static (_, options) => new Formatter<T>(options), json);

    private sealed class Formatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
                return;
            }
            using var document = JsonSerializer.SerializeToDocument(value, typeof(T), json);
            MessagePackJson.FromJson(ref writer, document.RootElement);
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
