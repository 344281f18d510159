using System.Text.Json.Serialization;

namespace Im.Orleans.Cluster.Tests.Grains;

/// <summary>The types the test grains store and exchange.</summary>
[JsonSerializable(typeof(CounterState))]
internal sealed partial class ClusterTestJsonContext : JsonSerializerContext;
