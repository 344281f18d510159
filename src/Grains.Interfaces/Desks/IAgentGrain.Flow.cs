namespace Im.Orleans.Grains;

/// <summary>Transfers between agents (DeskGrain.Transfer.cs).</summary>
public partial interface IAgentGrain
{
    /// <summary>
    /// A desk hands this agent a chat another agent was serving: accepted on the same terms as <see cref="Offer"/>
    /// (online, listed by the desk, a free slot, or the chat held already). The handle time runs from
    /// <paramref name="handleSince"/>, the chat's first assignment, so the time before the transfer is not lost.
    /// </summary>
    [Alias("OfferTransfer")] Task<OfferReply> OfferTransfer(string deskId, string conversationId, DateTimeOffset handleSince);
}
