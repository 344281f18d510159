using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Transfers and leave-a-message tickets (issue 10 items 5 and 10; DeskGrain.Transfer.cs, DeskGrain.Tickets.cs).</summary>
public partial interface IDeskGrain
{
    /// <summary>
    /// Hands a served chat of this desk to <paramref name="toAgentId"/>, who must be staff of the desk and take it
    /// (online, listed as an agent, a free slot: conflict otherwise, and the chat stays). By the assigned agent or a
    /// supervisor (<paramref name="asOperator"/>: the caller is an operator, who may act as one). Audited.
    /// </summary>
    [Alias("TransferToAgent")] Task<QueueTicket> TransferToAgent(string conversationId, string actorId, bool asOperator, string toAgentId, string? note);

    /// <summary>
    /// First half of a transfer to another desk: the chat leaves this desk (its agent is released and leaves the
    /// conversation) and is kept here until <paramref name="toDeskId"/> confirms it with <see cref="TransferDone"/>;
    /// the caller then hands the answer to that desk's <see cref="TransferIn"/> (the retry timer does it too).
    /// </summary>
    [Alias("TransferOut")] Task<DeskTransfer> TransferOut(string conversationId, string actorId, bool asOperator, string toDeskId, string? note);

    /// <summary>Second half: queues the chat at the head of this desk (idempotent by transfer id) and tells the sending desk.</summary>
    [Alias("TransferIn")] Task<QueueTicket> TransferIn(DeskTransfer transfer);

    /// <summary>The target desk holds the transfer: the sending desk forgets it.</summary>
    [OneWay] [Alias("TransferDone")] Task TransferDone(string conversationId, string transferId);

    /// <summary>
    /// Where a conversation stands here, for another desk: interleaves (it only reads) so two desks asking each other
    /// can never wait on one another.
    /// </summary>
    [ReadOnly] [AlwaysInterleave] [Alias("Where")] Task<QueueTicket> Where(string conversationId);

    /// <summary>
    /// A visitor leaves a message: it is stored as their message in their service conversation with this desk (not
    /// queued) and listed as a ticket; leaving another replaces the ticket's text. Refused for blocked visitors.
    /// </summary>
    [Alias("LeaveMessage")] Task<ServiceTicket> LeaveMessage(string visitorId, string name, string contact, string text);

    /// <summary>Open tickets, oldest first; staff of the desk, or an operator.</summary>
    [ReadOnly] [Alias("ListTickets")] Task<IReadOnlyList<ServiceTicket>> ListTickets(string userId, bool asOperator);

    /// <summary>The caller takes a ticket: they join its conversation as the assigned agent (beyond capacity) and answer with Send.</summary>
    [Alias("TakeTicket")] Task<QueueTicket> TakeTicket(string conversationId, string userId, bool asOperator);
}
