using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// What transfers leave for the desk's retry timer (DeskGrain.Transfer.cs), and the reconcile of assignments with what
/// the agents hold.
/// </summary>
internal sealed partial class DeskGrain
{
    /// <summary>Discrepancies seen at the last tick (chat assigned here, agent does not hold it); healed if seen twice.</summary>
    private HashSet<string> _lostLastTick = new(StringComparer.Ordinal);

    /// <summary>
    /// On the retry timer: hands over unconfirmed desk transfers again, frees slots of transfer offers whose answer was
    /// lost, and heals chats assigned here that their agent no longer holds (seen on two ticks running, so a ChatEnded
    /// still on its way is not mistaken for a loss).
    /// </summary>
    private async Task FlowTickAsync()
    {
        foreach (var transfer in State.TransfersOut.Values.ToList()) _ = HandOverAsync(transfer);
        var dirty = false;
        foreach (var (conversationId, agentId) in State.TransferOffers.ToList())
        {
            if (State.Assigned.TryGetValue(conversationId, out var served) && served.AgentId == agentId)
            {
                State.TransferOffers.Remove(conversationId);
                dirty = true;
                continue;
            }
            try
            {
                await GrainFactory.GetGrain<IAgentGrain>(agentId).Release(DeskId, conversationId);
                State.TransferOffers.Remove(conversationId);
                dirty = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk} could not free {Agent}'s slot from a lost transfer offer of {Conversation}", DeskId, agentId, conversationId);
            }
        }
        foreach (var gone in State.HandleSince.Keys.Where(c => !State.Assigned.ContainsKey(c)).ToList()) dirty |= State.HandleSince.Remove(gone);
        dirty |= State.Tickets.RemoveAll(t => State.Assigned.ContainsKey(t.ConversationId)) > 0;
        if (dirty) await _state.WriteStateAsync();
        await HealLostAssignmentsAsync();
    }

    private async Task HandOverAsync(DeskTransfer transfer)
    {
        try
        {
            await GrainFactory.GetGrain<IDeskGrain>(transfer.ToDeskId).TransferIn(transfer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Desk {Desk} could not hand {Conversation} over to desk {Target}; retrying", DeskId, transfer.ConversationId, transfer.ToDeskId);
        }
    }

    private async Task HealLostAssignmentsAsync()
    {
        if (State.Assigned.Count == 0 || State.Settings is null)
        {
            _lostLastTick.Clear();
            return;
        }
        await RefreshLoadsAsync();
        var lost = State.Assigned
            .Where(p => _loads.TryGetValue(p.Value.AgentId, out var load) && !load.Chats.Contains(p.Key, StringComparer.Ordinal)
                && !State.TransferOffers.ContainsKey(p.Key))
            .Select(p => p.Key)
            .ToHashSet(StringComparer.Ordinal);
        var confirmed = lost.Where(_lostLastTick.Contains).ToList();
        _lostLastTick = lost;
        if (confirmed.Count == 0) return;
        var served = confirmed.Select(c => (Id: c, Served: State.Assigned[c])).ToList();
        foreach (var (conversationId, _) in served) State.Assigned.Remove(conversationId);
        await _state.WriteStateAsync();
        foreach (var (conversationId, chat) in served)
        {
            _logger.LogWarning("Desk {Desk} forgot {Conversation}: agent {Agent} no longer holds it (a finish whose report was lost)", DeskId, conversationId, chat.AgentId);
            if (!IsServiceChat(conversationId)) continue;
            try
            {
                await Conversation(conversationId).LeaveAgent(chat.AgentId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk}: agent {Agent} did not leave {Conversation}", DeskId, chat.AgentId, conversationId);
            }
            _ = User(chat.VisitorId).PushQueue(new QueueStatus(conversationId, DeskId, null, null, null, NextStamp()));
        }
    }
}
