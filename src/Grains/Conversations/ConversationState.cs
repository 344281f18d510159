namespace Im.Orleans.Grains.Conversations;

/// <summary>What a conversation persists: kind, title and members. Messages live in the message store, not here.</summary>
internal sealed class ConversationState
{
    public bool Exists { get; set; }
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public List<MemberState> Members { get; set; } = [];
}
