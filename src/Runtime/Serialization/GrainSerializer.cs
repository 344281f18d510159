using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Serialization;

/// <summary>Serializes grain call arguments, results and grain state with the application's source-generated JSON contexts.</summary>
public sealed class GrainSerializer
{
    private readonly ConcurrentDictionary<Type, string?> _problems = new();

    public GrainSerializer(IOptions<SerializationOptions> options, IGrainReferenceActivator referenceActivator)
        : this(options, () => referenceActivator)
    {
    }

    /// <summary>Resolves the reference activator on first use: it depends on the runtime, which depends on this serializer.</summary>
    internal GrainSerializer(IOptions<SerializationOptions> options, Func<IGrainReferenceActivator> referenceActivator)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(referenceActivator);
        // References first: application contexts would otherwise describe a grain interface as an empty object.
        var resolvers = new List<IJsonTypeInfoResolver> { new GrainReferenceTypeInfoResolver((type, id) => referenceActivator().CreateReference(type, id)) };
        resolvers.AddRange(options.Value.TypeInfoResolvers);
        resolvers.Add(BuiltInJsonContext.Default);
        Options = new JsonSerializerOptions
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine([.. resolvers]),
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        };
        Options.MakeReadOnly();
    }

    public JsonSerializerOptions Options { get; }

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, GetTypeInfo<T>());

    public T Deserialize<T>(ReadOnlySpan<byte> utf8Json) => JsonSerializer.Deserialize(utf8Json, GetTypeInfo<T>())!;

    public byte[] Serialize(object? value, Type declaredType) => JsonSerializer.SerializeToUtf8Bytes(value, GetTypeInfo(declaredType));

    public object? Deserialize(ReadOnlySpan<byte> utf8Json, Type declaredType) => JsonSerializer.Deserialize(utf8Json, GetTypeInfo(declaredType));

    public JsonTypeInfo<T> GetTypeInfo<T>() => (JsonTypeInfo<T>)GetTypeInfo(typeof(T));

    public JsonTypeInfo GetTypeInfo(Type type)
    {
        var problem = GetProblem(type);
        if (problem is not null) throw new NotSupportedException(problem);
        return Options.GetTypeInfo(type);
    }

    /// <summary>Null when <paramref name="type"/> can be serialized; otherwise why not. Cached per type.</summary>
    public string? GetProblem(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _problems.GetOrAdd(type, static (t, options) =>
        {
            if (typeof(IAddressable).IsAssignableFrom(t)) return null;
            try
            {
                options.GetTypeInfo(t);
                return null;
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                return $"Type '{t.FullName}' is not serializable: add it to a JsonSerializerContext registered in SerializationOptions.TypeInfoResolvers ({e.Message})";
            }
        }, Options);
    }
}
