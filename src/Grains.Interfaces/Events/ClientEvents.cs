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

/// <summary>The "deleted" event: the user hid these messages for themselves (every device of theirs gets it).</summary>
[GenerateSerializer, Immutable, Alias("im.DeletedEvent")]
public sealed record DeletedEvent(string ConversationId, IReadOnlyList<long> Seqs);

/// <summary>The "reaction" event and React's answer: a message's reactions now (emoji to user ids, in reacting order).</summary>
[GenerateSerializer, Immutable, Alias("im.ReactionEvent")]
public sealed record ReactionEvent(string ConversationId, long Seq, IReadOnlyDictionary<string, IReadOnlyList<string>> Reactions);

/// <summary>A member's read position, as GetReads answers it.</summary>
[GenerateSerializer, Immutable, Alias("im.ReadPosition")]
public sealed record ReadPosition(string ConversationId, string UserId, long Seq);
