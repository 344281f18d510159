namespace Im.Orleans.Grains.Desks;

internal sealed partial class AgentState
{
    /// <summary>The agent's own quick replies, offered after the desk's.</summary>
    public List<QuickReply> QuickReplies { get; set; } = [];
}
