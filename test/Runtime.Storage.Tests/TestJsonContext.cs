using System.Text.Json.Serialization;

namespace Im.Orleans.Storage.Tests;

/// <summary>The state types the tests store.</summary>
[JsonSerializable(typeof(TestState))]
[JsonSerializable(typeof(TestCounter))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
