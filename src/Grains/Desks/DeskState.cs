namespace Im.Orleans.Grains.Desks;

/// <summary>What a desk persists: settings, the queue in order, who serves what, sticky agents and recent handle times.</summary>
internal sealed partial class DeskState
{
    /// <summary>Null until the desk is configured; an unconfigured desk refuses visitors.</summary>
    public DeskSettings? Settings { get; set; }

    public List<QueueEntry> Queue { get; set; } = [];

    /// <summary>Conversation id → the agent serving it; a conversation here is never queued or assigned again.</summary>
    public Dictionary<string, Served> Assigned { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Visitor id → the agent who last served them and when, for the sticky window.</summary>
    public Dictionary<string, Served> LastServed { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most recent handle times, oldest first, in ticks (bounded by DeskOptions.HandleTimeSamples).</summary>
    public List<long> RecentHandleTicks { get; set; } = [];

    /// <summary>Visitor id → the block against them (expired ones are pruned when the desk next writes the list).</summary>
    public Dictionary<string, BlacklistEntry> Blocked { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Conversation id → agents who let it go unanswered (not offered it again while another agent is free).</summary>
    public Dictionary<string, List<string>> PassedOver { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Conversation id → an agent that must still be told (Finish) that a chat taken back from it is no longer its.</summary>
    public Dictionary<string, string> Releasing { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A waiting conversation; <see cref="OfferedTo"/> is an agent it was offered to whose answer is not recorded yet.</summary>
internal sealed class QueueEntry
{
    public string ConversationId { get; set; } = "";
    public string VisitorId { get; set; } = "";
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>
    /// Written before the offer goes out: after a crash or a failed call the desk cannot know whether the agent took
    /// the chat, so it offers it to the same agent again first (an agent accepts a chat it holds as a no-op).
    /// </summary>
    public string? OfferedTo { get; set; }
}

/// <summary>An agent serving, or having served, a visitor's conversation, and since when.</summary>
internal sealed class Served
{
    public string AgentId { get; set; } = "";
    public string VisitorId { get; set; } = "";
    public DateTimeOffset At { get; set; }

    /// <summary>When the agent first answered the visitor; null until then (the no-answer timeout runs from <see cref="At"/>).</summary>
    public DateTimeOffset? RepliedAt { get; set; }
}
