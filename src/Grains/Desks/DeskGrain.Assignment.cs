using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// The assignment protocol. The desk proposes, the agent grain decides: for the head of the queue the desk picks an
/// agent from its cache of loads (sticky agent if free within the window, else least loaded), records the offer,
/// asks the agent (<see cref="IAgentGrain.Offer"/>), and only after the agent accepted removes the conversation from
/// the queue. A refusal (the agent went away or another desk filled it) refreshes the cache and the desk asks the next
/// agent. Desk turns run one at a time, so a conversation is never offered twice at once; the recorded offer means a
/// crash between the agent's acceptance and the desk's write re-offers it to the same agent, who holds it already.
/// </summary>
internal sealed partial class DeskGrain
{
    /// <summary>Loads of this desk's agents as last reported to this activation; a cache to choose by, never the authority.</summary>
    private readonly Dictionary<string, AgentLoad> _loads = new(StringComparer.Ordinal);

    /// <summary>Assigns heads of the queue until it is empty or no agent of the desk takes chats.</summary>
    private async Task DrainAsync()
    {
        if (State.Settings is null || State.Queue.Count == 0) return;
        await RefreshLoadsAsync();
        var dirty = false;
        // An agent that refused is not asked again in this drain, even if its load looks free (it may not list this desk yet).
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var moved = false;
        while (State.Queue.Count > 0)
        {
            var head = State.Queue[0];
            var agentId = head.OfferedTo ?? ChooseFor(head, refused);
            if (agentId is null) break;
            if (head.OfferedTo is null)
            {
                head.OfferedTo = agentId;
                await _state.WriteStateAsync();
                dirty = false;
            }
            OfferReply reply;
            try
            {
                reply = await GrainFactory.GetGrain<IAgentGrain>(agentId).Offer(DeskId, head.ConversationId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whether the agent took it is unknown: the recorded offer goes to the same agent at the next drain.
                _logger.LogWarning(e, "Desk {Desk} could not offer {Conversation} to agent {Agent}; retrying later", DeskId, head.ConversationId, agentId);
                break;
            }
            _loads[agentId] = reply.Load;
            if (!reply.Accepted)
            {
                head.OfferedTo = null;
                refused.Add(agentId);
                dirty = true;
                continue;
            }
            State.Queue.RemoveAt(0);
            State.Assigned[head.ConversationId] = new Served { AgentId = agentId, VisitorId = head.VisitorId, At = _time.GetUtcNow() };
            await _state.WriteStateAsync();
            dirty = false;
            _logger.LogInformation("Desk {Desk} assigned {Conversation} of {Visitor} to agent {Agent}", DeskId, head.ConversationId, head.VisitorId, agentId);
            await AuditAsync(AuditActors.System, AuditActions.Assign, head.ConversationId, $"agent {agentId}, visitor {head.VisitorId}");
            await ServeAsync(head.ConversationId, head.VisitorId, agentId);
            moved = true;
        }
        if (dirty) await _state.WriteStateAsync();
        if (moved) TellWaiting();
    }

    /// <summary>
    /// The sticky agent when they take chats and served this visitor within the window; otherwise the agent with the
    /// fewest chats (ties: most free slots, then id, so the choice is deterministic). Null when nobody takes chats.
    /// </summary>
    private string? Choose(string visitorId, IReadOnlySet<string> refused)
    {
        var settings = State.Settings!;
        if (PreferredOnReopen(visitorId, refused) is { } reopened) return reopened;
        if (State.LastServed.TryGetValue(visitorId, out var last)
            && _time.GetUtcNow() - last.At <= settings.StickyWindow
            && !refused.Contains(last.AgentId) && _loads.TryGetValue(last.AgentId, out var sticky) && sticky.TakesChats
            && settings.Agents.Contains(last.AgentId, StringComparer.Ordinal))
        {
            return last.AgentId;
        }
        return _loads.Values
            .Where(l => l.TakesChats && !refused.Contains(l.AgentId) && settings.Agents.Contains(l.AgentId, StringComparer.Ordinal))
            .OrderBy(l => l.Chats.Count)
            .ThenByDescending(l => l.Free)
            .ThenBy(l => l.AgentId, StringComparer.Ordinal)
            .FirstOrDefault()?.AgentId;
    }

    /// <summary>Asks every agent of the desk for its load; an agent that cannot answer is left out of this drain.</summary>
    private async Task RefreshLoadsAsync()
    {
        var agents = State.Settings!.Agents;
        var asks = agents.Select(async a =>
        {
            try
            {
                return await GrainFactory.GetGrain<IAgentGrain>(a).GetLoad();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk} could not read agent {Agent}'s load", DeskId, a);
                return null;
            }
        });
        var loads = await Task.WhenAll(asks);
        _loads.Clear();
        foreach (var load in loads) if (load is not null) _loads[load.AgentId] = load;
    }

    /// <summary>The mean of the recent handle times; null before the desk has finished a chat.</summary>
    private TimeSpan? AverageHandleTime() =>
        State.RecentHandleTicks.Count == 0 ? null : TimeSpan.FromTicks((long)State.RecentHandleTicks.Average());

    /// <summary>
    /// Average handle time × position ÷ the online agents' capacity, rounded up to a second; null (unknown) without
    /// handle times or without an online agent.
    /// </summary>
    /// <remarks>
    /// Issue 10 says "÷ agents' free capacity". While anyone waits, free slots are zero by construction (a free slot
    /// takes the head at once), so the divisor is the number of slots that turn over: the capacity of online agents.
    /// Each turns over once per average handle time, so position p is reached after about p ÷ slots handle times.
    /// </remarks>
    private TimeSpan? Eta(int position)
    {
        if (AverageHandleTime() is not { } average) return null;
        var slots = _loads.Values.Where(l => l.Status == AgentStatus.Online).Sum(l => l.Capacity);
        if (slots <= 0) return null;
        var seconds = Math.Ceiling(average.TotalSeconds * position / slots);
        return TimeSpan.FromSeconds(seconds);
    }
}
