using System.Text.Json;
using Orleans.Storage;

namespace Im.Orleans.Grains.Storage;

/// <summary>Grain state as System.Text.Json with the given options: no CLR type or assembly names in stored rows.</summary>
public sealed class JsonGrainStorageSerializer(JsonSerializerOptions options) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, options.GetTypeInfo(typeof(T))));

    public T Deserialize<T>(BinaryData input) => (T)JsonSerializer.Deserialize(input.ToMemory().Span, options.GetTypeInfo(typeof(T)))!;
}
