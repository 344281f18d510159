using System.Text.Json;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>Short property access for assertions on wire JSON.</summary>
public static class JsonExtensions
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
    public static long Long(this JsonElement e, string name) => e.GetProperty(name).GetInt64();
    public static bool Bool(this JsonElement e, string name) => e.GetProperty(name).GetBoolean();
    public static JsonElement[] Items(this JsonElement e) => e.EnumerateArray().ToArray();
    public static JsonElement[] Items(this JsonElement e, string name) => e.GetProperty(name).EnumerateArray().ToArray();
}
