using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Service cases at the desk: reopening, resolving on a supervisor's word, the settings the hub checks with, the board.</summary>
public partial interface IDeskGrain
{
    /// <summary>The desk's settings (not_found unconfigured), for the hub's staff and label checks.</summary>
    [ReadOnly] [Alias("cases.Settings")] Task<DeskSettings> CaseSettings();

    /// <summary>
    /// A case grain: the visitor wrote in a chat the desk may not hold. Queued again unless queued or served; within the
    /// reopen window of its resolution the agent who resolved it is preferred while free.
    /// </summary>
    [OneWay] [Alias("cases.Reopen")] Task Reopen(string conversationId, string visitorId, string? resolvedBy, DateTimeOffset? resolvedAt);

    /// <summary>The assigned agent, or a supervisor (operators: <see cref="CaseActor.Supervisor"/>), resolves a served chat.</summary>
    [Alias("cases.Resolve")] Task<AgentLoad> ResolveServiceChat(string conversationId, CaseActor actor);

    /// <summary>The supervisor board: queue, agents, today's figures.</summary>
    [Alias("cases.Board")] Task<DeskBoard> GetBoard();
}
