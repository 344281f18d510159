namespace Im.Orleans.Grains.Conversations;

/// <summary>What a conversation persists: kind, title and members. Messages live in the message store, not here.</summary>
internal sealed partial class ConversationState
{
    public bool Exists { get; set; }
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public List<MemberState> Members { get; set; } = [];

    /// <summary>
    /// Service conversations: the agent the desk assigned, the only member with role agent who may send. Kept apart from
    /// the member list because an agent the desk took the chat back from can still be a member.
    /// </summary>
    public string? AssignedAgentId { get; set; }
}
