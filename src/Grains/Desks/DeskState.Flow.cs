namespace Im.Orleans.Grains.Desks;

/// <summary>What transfers and tickets add to a desk's state (DeskGrain.Transfer.cs, DeskGrain.Tickets.cs).</summary>
internal sealed partial class DeskState
{
    /// <summary>Conversation id → a hand-over to another desk not yet confirmed by it; resent on the retry timer.</summary>
    public Dictionary<string, DeskTransfer> TransfersOut { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Conversation id → the agent a transfer was offered to while the answer is not recorded. Written before the
    /// offer, so after a crash the timer releases that agent's slot unless the chat is theirs.
    /// </summary>
    public Dictionary<string, string> TransferOffers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Conversation id → when its first agent got it, for chats moved between agents (their handle time runs on).</summary>
    public Dictionary<string, DateTimeOffset> HandleSince { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Open leave-a-message tickets, one per conversation, oldest first (bounded by DeskGrain.MaxTickets).</summary>
    public List<ServiceTicket> Tickets { get; set; } = [];
}
