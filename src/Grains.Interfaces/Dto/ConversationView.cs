namespace Im.Orleans.Grains;

/// <summary>A conversation as one member sees it: what it is, who is in it, where it ends and what is unread.</summary>
[GenerateSerializer, Immutable, Alias("im.ConversationView")]
public sealed record ConversationView(
    string ConversationId,
    string Kind,
    string Title,
    IReadOnlyList<MemberView> Members,
    long LastSeq,
    Message? LastMessage,
    long Unread,
    long ReadSeq,
    bool Muted = false);

/// <summary>A member of a conversation: role, the display name and avatar they have now, and whether they are muted.</summary>
[GenerateSerializer, Immutable, Alias("im.MemberView")]
public sealed record MemberView(string UserId, string Role, string? DisplayName = null, string? AvatarUrl = null, bool Muted = false);

/// <summary>Conversation kinds.</summary>
public static class ConversationKinds
{
    public const string Direct = "direct";
    public const string Group = "group";
    public const string Service = "service";
}

/// <summary>Member roles: owner, admin and member in a group; member and agent (who serves the visitor) in a service conversation.</summary>
public static class MemberRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Agent = "agent";
}
