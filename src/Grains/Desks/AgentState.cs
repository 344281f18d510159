namespace Im.Orleans.Grains.Desks;

/// <summary>What an agent persists: status, own capacity, the desks that list it and the chats it holds.</summary>
internal sealed partial class AgentState
{
    public string Status { get; set; } = AgentStatus.Offline;

    /// <summary>When the status last changed: a disconnect older than this does not turn the agent offline.</summary>
    public DateTimeOffset StatusSince { get; set; }

    /// <summary>The agent was set away for idling (not by choice), so activity brings them back online.</summary>
    public bool AwayForIdle { get; set; }

    /// <summary>The agent's own capacity; null while the desks' default applies.</summary>
    public int? Capacity { get; set; }

    /// <summary>Desk id → the agent capacity default that desk set.</summary>
    public Dictionary<string, int> Desks { get; set; } = new(StringComparer.Ordinal);

    public List<AgentChat> Chats { get; set; } = [];
}

/// <summary>A chat an agent holds: which desk assigned it and when (the start of its handle time).</summary>
internal sealed class AgentChat
{
    public string ConversationId { get; set; } = "";
    public string DeskId { get; set; } = "";
    public DateTimeOffset AssignedAt { get; set; }
}
