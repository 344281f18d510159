namespace Im.Orleans.Grains.Desks;

/// <summary>A chat transferred to this agent: the same capacity check as an offer, the handle time carried over.</summary>
internal sealed partial class AgentGrain
{
    public async Task<OfferReply> OfferTransfer(string deskId, string conversationId, DateTimeOffset handleSince)
    {
        if (State.Chats.Exists(c => c.ConversationId == conversationId)) return new OfferReply(true, Load());
        if (!State.Desks.ContainsKey(deskId) || State.Status != AgentStatus.Online || State.Chats.Count >= Capacity)
        {
            return new OfferReply(false, Load());
        }
        // A transfer does not end the chat: its handle time runs from the first assignment to the finish, whoever finishes.
        var since = handleSince <= _time.GetUtcNow() ? handleSince : _time.GetUtcNow();
        await HoldAsync(new AgentChat { ConversationId = conversationId, DeskId = deskId, AssignedAt = since });
        return new OfferReply(true, Load());
    }
}
