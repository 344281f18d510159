using System.Text.Json.Serialization;
using Im.Orleans.Grains.Conversations;
using Im.Orleans.Grains.Users;

namespace Im.Orleans.Grains;

/// <summary>The grains' persisted state types, for the runtime's storage serializer.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConversationState))]
[JsonSerializable(typeof(UserState))]
internal sealed partial class GrainsJsonContext : JsonSerializerContext
{
}
