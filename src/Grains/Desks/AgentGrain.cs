using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// One agent: status, capacity and the chats held. This grain, not the desk, is the authority on capacity.
/// </summary>
/// <remarks>
/// Why the agent: an agent may work several desks, and each desk sees only its own assignments, so no desk can know
/// the agent's whole load. The agent grain sees every offer, one at a time (Orleans runs its turns one after another,
/// across all silos, as there is one activation per agent), so its check "online and a free slot" and the taking of
/// the slot cannot be split by another desk's offer. Desks only ever propose (<see cref="Offer"/>) and remove a
/// conversation from their queue after the agent accepted; their view of loads is a cache for choosing who to ask.
/// The agent never waits on a desk inside a turn (it tells desks one-way), so desk → agent calls cannot deadlock.
/// </remarks>
[GrainType("agent")]
internal sealed partial class AgentGrain : Grain, IAgentGrain
{
    private readonly IPersistentState<AgentState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DeskOptions _options;

    public AgentGrain([PersistentState("agent")] IPersistentState<AgentState> state, IOptions<DeskOptions> options, TimeProvider time, ILogger<AgentGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private string AgentId => this.GetPrimaryKeyString();

    private AgentState State => _state.State;

    /// <summary>The agent's own capacity, else the strictest default of its desks (an agent in no desk takes nothing).</summary>
    private int Capacity => State.Capacity ?? (State.Desks.Count == 0 ? 0 : State.Desks.Values.Min());

    public async Task<AgentLoad> SetStatus(string status)
    {
        if (status is null || !AgentStatus.All.Contains(status)) throw ChatException.Invalid($"Unknown agent status '{status}'.");
        _lastActive = _time.GetUtcNow();
        return await ChangeStatusAsync(status, why: null, idle: false);
    }

    public async Task<AgentLoad> SetCapacity(int? capacity)
    {
        if (capacity is < 0 or > 1000) throw ChatException.Invalid("Capacity must be between 0 and 1000 chats.");
        State.Capacity = capacity;
        await _state.WriteStateAsync();
        await TellDesksIfFreeAsync(exceptDesk: null);
        return Load();
    }

    public Task<AgentLoad> GetLoad() => Task.FromResult(Load());

    public async Task<AgentLoad> Finish(string conversationId)
    {
        var index = State.Chats.FindIndex(c => c.ConversationId == conversationId);
        if (index < 0) throw ChatException.NotFound($"Agent {AgentId} holds no chat {conversationId}.");
        var chat = State.Chats[index];
        State.Chats.RemoveAt(index);
        await _state.WriteStateAsync();
        var handleTime = _time.GetUtcNow() - chat.AssignedAt;
        // The assigning desk learns the handle time and drains in one call; the other desks only hear of the slot.
        await GrainFactory.GetGrain<IDeskGrain>(chat.DeskId).ChatEnded(AgentId, conversationId, handleTime);
        await TellDesksIfFreeAsync(exceptDesk: chat.DeskId);
        return Load();
    }

    public async Task<AgentLoad> JoinDesk(string deskId, int defaultCapacity)
    {
        if (string.IsNullOrWhiteSpace(deskId)) throw ChatException.Invalid("A desk needs an id.");
        if (defaultCapacity is < 0 or > 1000) throw ChatException.Invalid("Capacity must be between 0 and 1000 chats.");
        if (State.Desks.TryGetValue(deskId, out var known) && known == defaultCapacity) return Load();
        State.Desks[deskId] = defaultCapacity;
        await _state.WriteStateAsync();
        await TellDesksIfFreeAsync(exceptDesk: deskId);
        return Load();
    }

    public async Task LeaveDesk(string deskId)
    {
        // Chats the desk already assigned stay with the agent until finished; only new offers stop.
        if (State.Desks.Remove(deskId)) await _state.WriteStateAsync();
    }

    public async Task<OfferReply> Offer(string deskId, string conversationId)
    {
        if (State.Chats.Any(c => c.ConversationId == conversationId)) return new OfferReply(true, Load());
        if (!State.Desks.ContainsKey(deskId) || State.Status != AgentStatus.Online || State.Chats.Count >= Capacity)
        {
            return new OfferReply(false, Load());
        }
        await HoldAsync(new AgentChat { ConversationId = conversationId, DeskId = deskId, AssignedAt = _time.GetUtcNow() });
        _logger.LogDebug("Agent {Agent} took {Conversation} from desk {Desk}", AgentId, conversationId, deskId);
        return new OfferReply(true, Load());
    }

    /// <summary>Takes the chat and stores it; not stored means not taken, so the desk keeps it and offers it again.</summary>
    private async Task HoldAsync(AgentChat chat)
    {
        State.Chats.Add(chat);
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            State.Chats.Remove(chat);
            throw;
        }
    }

    private AgentLoad Load() => new(AgentId, State.Status, Capacity, [.. State.Chats.Select(c => c.ConversationId)]);

    /// <summary>One-way, so a desk busy offering chats to this agent is never waited on by it.</summary>
    private Task TellDesksIfFreeAsync(string? exceptDesk)
    {
        if (!Load().TakesChats) return Task.CompletedTask;
        return Task.WhenAll(State.Desks.Keys
            .Where(d => d != exceptDesk)
            .Select(d => GrainFactory.GetGrain<IDeskGrain>(d).AgentAvailable(AgentId)));
    }
}
