namespace Im.Orleans.Grains.Conversations;

/// <summary>One member of a conversation: role, whether muted (may not send), and when they joined.</summary>
internal sealed class MemberState
{
    public string UserId { get; set; } = "";
    public string Role { get; set; } = MemberRoles.Member;

    /// <summary>The member's display name when they joined, so views need not call every member's grain.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The member's avatar (/api/files/{id}), kept current by MemberProfileChanged.</summary>
    public string? AvatarUrl { get; set; }
    public bool Muted { get; set; }
    public DateTimeOffset JoinedAt { get; set; }

    public bool CanManage => Role is MemberRoles.Owner or MemberRoles.Admin;
}
