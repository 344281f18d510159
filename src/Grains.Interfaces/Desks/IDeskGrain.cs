using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// One customer-service desk (key: desk id): its settings, the persisted FIFO queue of waiting service
/// conversations, and the assignment of their heads to the desk's online agents.
/// </summary>
[Alias("im.IDeskGrain")]
public partial interface IDeskGrain : IGrainWithStringKey
{
    /// <summary>Creates or changes the desk; agents added are told they belong to it, agents removed that they no longer do.</summary>
    [Alias("Configure")] Task<DeskView> Configure(DeskSettings settings);

    [ReadOnly] [Alias("GetView")] Task<DeskView> GetView();

    /// <summary>
    /// Queues a visitor's service conversation at the tail (idempotent: a conversation already queued or served keeps
    /// its place or agent) and assigns at once if an agent is free.
    /// </summary>
    [Alias("Enqueue")] Task<QueueTicket> Enqueue(string conversationId, string visitorId);

    /// <summary>Where a conversation stands: its position and ETA while waiting, its agent once served.</summary>
    [ReadOnly] [Alias("Position")] Task<QueueTicket> Position(string conversationId);

    /// <summary>Takes a conversation out of the queue (the visitor left before being served); true when it was waiting.</summary>
    [Alias("Withdraw")] Task<bool> Withdraw(string conversationId);

    /// <summary>An agent of this desk may take chats now (came online, raised capacity, freed a slot): the queue drains.</summary>
    [OneWay] [Alias("AgentAvailable")] Task AgentAvailable(string agentId);

    /// <summary>An agent finished a chat of this desk after <paramref name="handleTime"/>; it feeds the ETA and the sticky window.</summary>
    [OneWay] [Alias("ChatEnded")] Task ChatEnded(string agentId, string conversationId, TimeSpan handleTime);

    /// <summary>
    /// Opens the visitor's service conversation with this desk (the same one on every call) and queues it unless it is
    /// queued or served already.
    /// </summary>
    [Alias("OpenServiceChat")] Task<ServiceChat> OpenServiceChat(string visitorId);

    /// <summary>The serving agent finished the chat: their slot is freed and they leave the conversation.</summary>
    [Alias("FinishServiceChat")] Task<AgentLoad> FinishServiceChat(string agentId, string conversationId);

    // Blacklist (issue 10 item 7; DeskGrain.Blacklist.cs).

    /// <summary>
    /// An agent or supervisor of the desk blocks a visitor: their new chats are refused forbidden until
    /// <paramref name="until"/> (null = until lifted). Blocking again replaces the entry. Chats already queued or served stay.
    /// </summary>
    [Alias("Block")] Task<BlacklistEntry> Block(string visitorId, string reason, string blockedBy, DateTimeOffset? until);

    /// <summary>A supervisor of the desk lifts a block; false when the visitor was not (or no longer) blocked.</summary>
    [Alias("Unblock")] Task<bool> Unblock(string visitorId, string liftedBy);

    /// <summary>The blocks in force, newest first.</summary>
    [ReadOnly] [Alias("ListBlocked")] Task<IReadOnlyList<BlacklistEntry>> ListBlocked();

    // No-answer timeout (issue 10 item 9; DeskGrain.NoAnswer.cs).

    /// <summary>
    /// The conversation tells the desk an agent replied to the visitor; true when that agent is the one assigned (the
    /// first such reply stops the no-answer timeout), false otherwise (not this desk's chat, or another agent's).
    /// </summary>
    [Alias("AgentReplied")] Task<bool> AgentReplied(string conversationId, string agentId);

    /// <summary>
    /// A supervisor of the desk takes a served chat over (issue 10 item 9): the agent serving it is released and leaves,
    /// the supervisor joins as the assigned agent (beyond any capacity) and finishes it like any agent. Audited.
    /// </summary>
    [Alias("TakeOver")] Task<QueueTicket> TakeOver(string conversationId, string supervisorId);
}
