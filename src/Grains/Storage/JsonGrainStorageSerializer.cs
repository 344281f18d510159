using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orleans.Storage;

namespace Im.Orleans.Grains.Storage;

/// <summary>Stores grain state as plain System.Text.Json, with no CLR type or assembly names in the payload.</summary>
/// <remarks>
/// Orleans' own JsonGrainStorageSerializer (Newtonsoft.Json, type names on by default) ties rows to CLR names, so
/// renaming or moving a state class orphans them; here a state class only has to keep its JSON shape. Types are
/// resolved through the given options, typically a chain of source-generated contexts; a state type they do not
/// cover fails on first use.
/// </remarks>
internal sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;

    public JsonGrainStorageSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Frozen here so a later change to shared options cannot alter the stored format behind the rows' back, and so
        // options without a TypeInfoResolver fail at start-up instead of at the first write.
        options.MakeReadOnly();
        _options = options;
    }

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, TypeInfo<T?>()));

    // A JSON null comes back as null, which the storage provider replaces with a new state instance.
    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize(input.ToMemory().Span, TypeInfo<T>())!;

    private JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));
}
