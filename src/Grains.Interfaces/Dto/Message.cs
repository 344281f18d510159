using System.Text.Json.Serialization;

namespace Im.Orleans.Grains;

/// <summary>A stored message as every member sees it; (ConversationId, Seq) identifies it and orders it.</summary>
[GenerateSerializer, Immutable, Alias("im.Message")]
public sealed record Message(
    string ConversationId,
    long Seq,
    string MessageId,
    string ClientMsgId,
    string SenderId,
    string Kind,
    string? Text,
    Attachment? Attachment,
    DateTimeOffset SentAt,
    bool Recalled = false,
    long? ReplyToSeq = null,
    DateTimeOffset? EditedAt = null,
    [property: JsonConverter(typeof(ReactionsJsonConverter))] IReadOnlyDictionary<string, IReadOnlyList<string>>? Reactions = null,
    bool Deleted = false,
    SystemNote? System = null);

/// <summary>What a system message (kind system) records: who did what to whom in a group.</summary>
[GenerateSerializer, Immutable, Alias("im.SystemNote")]
public sealed record SystemNote(string Action, string ActorId, IReadOnlyList<string> UserIds, string? Title = null, string? Role = null);

/// <summary>The actions of system messages.</summary>
public static class SystemActions
{
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Removed = "removed";
    public const string Renamed = "renamed";
    public const string Role = "role";
    public const string Muted = "muted";
    public const string Unmuted = "unmuted";
}

/// <summary>A media file attached to a message, uploaded first through POST /api/files.</summary>
[GenerateSerializer, Immutable, Alias("im.Attachment")]
public sealed record Attachment(string Id, string FileName, string ContentType, long Size);

/// <summary>The message kinds of protocol v1.</summary>
public static class MessageKinds
{
    public const string Text = "text";
    public const string Image = "image";
    public const string File = "file";
    public const string Voice = "voice";
    public const string Video = "video";
    public const string Custom = "custom";
    public const string System = "system";

    public static readonly IReadOnlySet<string> ClientSendable = new HashSet<string>(StringComparer.Ordinal) { Text, Image, File, Voice, Video, Custom };
}
