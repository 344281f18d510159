using System.Text.Json.Serialization;
using Im.Orleans.Grains.Conversations;
using Im.Orleans.Grains.Desks;
using Im.Orleans.Grains.Gateways;
using Im.Orleans.Grains.Users;

namespace Im.Orleans.Grains;

/// <summary>The grains' persisted state types, for the grain storage's JSON serializer (no CLR type names in stored rows).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConversationState))]
[JsonSerializable(typeof(UserState))]
[JsonSerializable(typeof(GatewayRegistryState))]
[JsonSerializable(typeof(DeskState))]
[JsonSerializable(typeof(AgentState))]
[JsonSerializable(typeof(DeskRegistryState))]
internal sealed partial class GrainsJsonContext : JsonSerializerContext
{
}
