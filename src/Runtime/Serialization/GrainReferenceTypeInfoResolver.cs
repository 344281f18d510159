using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;

namespace Im.Orleans.Serialization;

/// <summary>Lets grain and observer references travel as arguments: written as their GrainId, rebuilt as a proxy on read.</summary>
internal sealed class GrainReferenceTypeInfoResolver(Func<Type, GrainId, object> createReference) : IJsonTypeInfoResolver
{
    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
    {
        if (!typeof(IAddressable).IsAssignableFrom(type) || !type.IsInterface) return null;
        var converter = (JsonConverter)Activator.CreateInstance(typeof(ReferenceConverter<>).MakeGenericType(type), createReference)!;
        return CreateInfo(type, options, converter);
    }

    private static JsonTypeInfo CreateInfo(Type type, JsonSerializerOptions options, JsonConverter converter)
    {
        var method = typeof(JsonMetadataServices).GetMethod(nameof(JsonMetadataServices.CreateValueInfo))!.MakeGenericMethod(type);
        return (JsonTypeInfo)method.Invoke(null, [options, converter])!;
    }

    private sealed class ReferenceConverter<T>(Func<Type, GrainId, object> createReference) : JsonConverter<T> where T : class
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            var text = reader.GetString() ?? throw new JsonException("A grain reference must be a string 'type/key'.");
            return (T)createReference(typeof(T), GrainId.Parse(text));
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (value is not GrainReference reference)
                throw new JsonException($"Only grain references can be sent as {typeof(T).Name}; wrap local objects with CreateObjectReference first.");
            writer.WriteStringValue(reference.GrainId.ToString());
        }
    }
}
