namespace Im.Orleans.Grains;

/// <summary>
/// The Send hub method's argument. Attachment is filled by the gateway from its file store (never trusted from a
/// client); when only AttachmentId is given the message carries the id with empty metadata.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.SendCommand")]
public sealed record SendCommand(string ConversationId, string ClientMsgId, string Kind, string? Text = null, string? AttachmentId = null, long? ReplyToSeq = null, Attachment? Attachment = null);

/// <summary>The Send hub method's answer; Duplicate is true when the clientMsgId was already stored.</summary>
[GenerateSerializer, Immutable, Alias("im.SendResult")]
public sealed record SendResult(string ConversationId, long Seq, string MessageId, DateTimeOffset SentAt, bool Duplicate);

/// <summary>The MarkRead hub method's answer.</summary>
[GenerateSerializer, Immutable, Alias("im.MarkReadResult")]
public sealed record MarkReadResult(string ConversationId, long Unread, long TotalUnread);

/// <summary>The CreateGroup hub method's argument.</summary>
[GenerateSerializer, Immutable, Alias("im.CreateGroupCommand")]
public sealed record CreateGroupCommand(string Title, IReadOnlyList<string> MemberIds);

/// <summary>The Sync hub method's argument: the last seq the client has per conversation.</summary>
[GenerateSerializer, Immutable, Alias("im.SyncRequest")]
public sealed record SyncRequest(IReadOnlyDictionary<string, long> Cursors, int? Limit = null);

/// <summary>The Sync answer: every conversation of the user, and the messages after each cursor.</summary>
[GenerateSerializer, Immutable, Alias("im.SyncResult")]
public sealed record SyncResult(IReadOnlyList<ConversationView> Conversations, IReadOnlyList<Message> Messages, bool HasMore);

/// <summary>Messages after a seq, at most a limit, with whether more follow.</summary>
[GenerateSerializer, Immutable, Alias("im.MessagePage")]
public sealed record MessagePage(IReadOnlyList<Message> Messages, bool HasMore);
