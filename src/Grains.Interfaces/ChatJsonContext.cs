using System.Text.Json.Serialization;

namespace Im.Orleans.Grains;

/// <summary>Every protocol type, for the hub and REST (camelCase on the wire) and for stored JSON (grain state, attachments).</summary>
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
[JsonSerializable(typeof(OfflineBatch))]
[JsonSerializable(typeof(UnreadEvent))]
[JsonSerializable(typeof(TypingEvent))]
[JsonSerializable(typeof(ReadEvent))]
[JsonSerializable(typeof(FocusEvent))]
[JsonSerializable(typeof(RecalledEvent))]
[JsonSerializable(typeof(SyncEvent))]
[JsonSerializable(typeof(ProfileEvent))]
[JsonSerializable(typeof(ProfileView))]
[JsonSerializable(typeof(IReadOnlyList<ProfileView>))]
[JsonSerializable(typeof(MessageSearchPage))]
[JsonSerializable(typeof(QueueStatus))]
[JsonSerializable(typeof(ServiceChat))]
[JsonSerializable(typeof(AssignedEvent))]
[JsonSerializable(typeof(AgentLoad))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ChatJsonContext : JsonSerializerContext
{
}
