namespace Im.Orleans.Grains;

/// <summary>A user grain as the operator dashboard shows it: profile, presence, devices, conversations and queues.</summary>
[GenerateSerializer, Immutable, Alias("im.UserStateView")]
public sealed record UserStateView(
    UserProfile Profile,
    string ChosenStatus,
    string PublicStatus,
    DateTimeOffset? LastSeenAt,
    IReadOnlyList<ConnectionView> Connections,
    IReadOnlyList<ConversationCursorView> Conversations,
    long TotalUnread,
    IReadOnlyList<string> Contacts,
    IReadOnlyList<string> Blocked,
    int OfflineQueued,
    bool OfflineOverflowed);

/// <summary>One live device connection of a user: where it is held and when its gateway last refreshed it.</summary>
[GenerateSerializer, Immutable, Alias("im.ConnectionView")]
public sealed record ConnectionView(string ConnectionId, string GatewayId, string Device, DateTimeOffset RefreshedAt);

/// <summary>A user's read cursor and unread count in one conversation.</summary>
[GenerateSerializer, Immutable, Alias("im.ConversationCursorView")]
public sealed record ConversationCursorView(string ConversationId, string Kind, string Title, long LastSeq, long ReadSeq, long Unread);

/// <summary>A conversation grain as the operator dashboard shows it: what it is, its members and the end of its log.</summary>
[GenerateSerializer, Immutable, Alias("im.ConversationStateView")]
public sealed record ConversationStateView(
    string ConversationId,
    bool Exists,
    string Kind,
    string Title,
    DateTimeOffset CreatedAt,
    IReadOnlyList<MemberView> Members,
    long LastSeq,
    int RecentMessagesHeld,
    int SendsQueued);
