using System.Text.Json.Serialization;

namespace Im.Orleans.Grains;

/// <summary>Every type grains exchange or store, for the runtime's serializer and the hub (camelCase on the wire).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(IReadOnlyList<Message>))]
[JsonSerializable(typeof(ConversationView))]
[JsonSerializable(typeof(IReadOnlyList<ConversationView>))]
[JsonSerializable(typeof(SendCommand))]
[JsonSerializable(typeof(SendResult))]
[JsonSerializable(typeof(MarkReadResult))]
[JsonSerializable(typeof(CreateGroupCommand))]
[JsonSerializable(typeof(SyncRequest))]
[JsonSerializable(typeof(SyncResult))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(PresenceView))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(ClientConnection))]
[JsonSerializable(typeof(OfflineBatch))]
[JsonSerializable(typeof(UnreadEvent))]
[JsonSerializable(typeof(TypingEvent))]
[JsonSerializable(typeof(ReadEvent))]
[JsonSerializable(typeof(FocusEvent))]
[JsonSerializable(typeof(RecalledEvent))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ChatJsonContext : JsonSerializerContext
{
}
