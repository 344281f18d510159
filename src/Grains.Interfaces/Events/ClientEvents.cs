namespace Im.Orleans.Grains;

/// <summary>The "unread" event: a conversation's unread count and the user's total.</summary>
[GenerateSerializer, Immutable, Alias("im.UnreadEvent")]
public sealed record UnreadEvent(string ConversationId, long Unread, long TotalUnread);

/// <summary>The "typing" event.</summary>
[GenerateSerializer, Immutable, Alias("im.TypingEvent")]
public sealed record TypingEvent(string ConversationId, string UserId);

/// <summary>The "read" event: a member read up to Seq (read receipts).</summary>
[GenerateSerializer, Immutable, Alias("im.ReadEvent")]
public sealed record ReadEvent(string ConversationId, string UserId, long Seq);

/// <summary>The "focus" event: another window of the same user switched to this conversation.</summary>
[GenerateSerializer, Immutable, Alias("im.FocusEvent")]
public sealed record FocusEvent(string ConversationId, string OriginConnectionId);

/// <summary>The "recalled" event: a message was withdrawn by its sender.</summary>
[GenerateSerializer, Immutable, Alias("im.RecalledEvent")]
public sealed record RecalledEvent(string ConversationId, long Seq, string MessageId);
