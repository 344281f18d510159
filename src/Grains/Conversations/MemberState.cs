namespace Im.Orleans.Grains.Conversations;

/// <summary>One member of a conversation: role, whether muted (may not send), and when they joined.</summary>
internal sealed class MemberState
{
    public string UserId { get; set; } = "";
    public string Role { get; set; } = MemberRoles.Member;
    public bool Muted { get; set; }
    public DateTimeOffset JoinedAt { get; set; }

    public bool CanManage => Role is MemberRoles.Owner or MemberRoles.Admin;
}
