using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// One customer-service desk: settings, the persisted FIFO queue of waiting service conversations, and their
/// assignment to agents (see DeskGrain.Assignment.cs for the protocol).
/// </summary>
[GrainType("desk")]
internal sealed partial class DeskGrain : Grain, IDeskGrain
{
    private readonly IPersistentState<DeskState> _state;
    private readonly DeskOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeskGrain([PersistentState("desk")] IPersistentState<DeskState> state, IOptions<DeskOptions> options, TimeProvider time, ILogger<DeskGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private string DeskId => this.GetPrimaryKeyString();

    private DeskState State => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(DrainIfWaitingAsync, new GrainTimerCreationOptions(_options.RetryInterval, _options.RetryInterval));
        // Visitors queued before a crash or a deactivation are served as soon as the desk is back, not at the next event.
        try
        {
            await DrainIfWaitingAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The desk must still answer positions while storage is down; the retry timer drains later.
            _logger.LogWarning(e, "Desk {Desk} could not drain its queue on activation", DeskId);
        }
    }

    public Task<DeskView> GetView() => Task.FromResult(View());

    public async Task<QueueTicket> Enqueue(string conversationId, string visitorId)
    {
        if (string.IsNullOrWhiteSpace(conversationId) || string.IsNullOrWhiteSpace(visitorId)) throw ChatException.Invalid("A queued chat needs a conversation and a visitor.");
        if (State.Settings is null) throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        if (State.Assigned.ContainsKey(conversationId) || State.Queue.Exists(e => e.ConversationId == conversationId)) return Ticket(conversationId);
        ThrowIfBlocked(visitorId);
        if (State.Queue.Count >= _options.MaxQueueLength) throw new ChatException(ErrorCodes.RateLimited, "The desk's queue is full; try again later.");
        State.Queue.Add(new QueueEntry { ConversationId = conversationId, VisitorId = visitorId, EnqueuedAt = _time.GetUtcNow() });
        await _state.WriteStateAsync();
        await DrainAsync();
        return Ticket(conversationId);
    }

    public Task<QueueTicket> Position(string conversationId) => Task.FromResult(Ticket(conversationId));

    public async Task<bool> Withdraw(string conversationId)
    {
        var removed = State.Queue.RemoveAll(e => e.ConversationId == conversationId) > 0;
        if (removed)
        {
            await _state.WriteStateAsync();
            TellWaiting();
        }
        return removed;
    }

    public Task AgentAvailable(string agentId) => DrainAsync();

    public async Task ChatEnded(string agentId, string conversationId, TimeSpan handleTime)
    {
        if (State.Assigned.TryGetValue(conversationId, out var served) && served.AgentId == agentId)
        {
            State.Assigned.Remove(conversationId);
            State.RecentHandleTicks.Add(Math.Max(0, handleTime.Ticks));
            var extra = State.RecentHandleTicks.Count - Math.Max(1, _options.HandleTimeSamples);
            if (extra > 0) State.RecentHandleTicks.RemoveRange(0, extra);
            // The sticky window runs from the end of the last chat: that is when the visitor last had this agent.
            State.LastServed[served.VisitorId] = new Served { AgentId = agentId, VisitorId = served.VisitorId, At = _time.GetUtcNow() };
            ForgetExpiredSticky();
            await _state.WriteStateAsync();
        }
        await DrainAsync();
    }

    private async Task DrainIfWaitingAsync(CancellationToken cancellationToken)
    {
        await TakeBackUnansweredAsync();
        await FlowTickAsync();
        if (State.Queue.Count > 0) await DrainAsync();
    }

    private DeskView View() => new(
        DeskId,
        State.Settings ?? throw ChatException.NotFound($"There is no desk '{DeskId}'."),
        [.. State.Queue.Select(e => new QueuedChat(e.ConversationId, e.VisitorId, e.EnqueuedAt))],
        State.Assigned.ToDictionary(p => p.Key, p => p.Value.AgentId, StringComparer.Ordinal),
        AverageHandleTime());

    private QueueTicket Ticket(string conversationId)
    {
        if (State.Assigned.TryGetValue(conversationId, out var served)) return new QueueTicket(conversationId, null, null, served.AgentId, NextStamp());
        var index = State.Queue.FindIndex(e => e.ConversationId == conversationId);
        if (index < 0) return new QueueTicket(conversationId, null, null, null, NextStamp());
        return new QueueTicket(conversationId, index + 1, Eta(index + 1), null, NextStamp());
    }

    private void ForgetExpiredSticky()
    {
        var window = State.Settings?.StickyWindow ?? TimeSpan.Zero;
        var cutoff = _time.GetUtcNow() - window;
        foreach (var visitor in State.LastServed.Where(p => p.Value.At < cutoff).Select(p => p.Key).ToList()) State.LastServed.Remove(visitor);
    }
}
