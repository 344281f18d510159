using System.Text.Json.Serialization.Metadata;

namespace Im.Orleans.Serialization;

/// <summary>
/// Which types can cross a process boundary or reach storage: System.Text.Json source-generated contexts
/// (JsonSerializerContext) added by the application. Types outside them are refused with a clear error.
/// </summary>
public sealed class SerializationOptions
{
    public IList<IJsonTypeInfoResolver> TypeInfoResolvers { get; } = new List<IJsonTypeInfoResolver>();
}
