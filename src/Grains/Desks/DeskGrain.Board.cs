using Im.Orleans.Grains.Desks.Cases;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>The supervisor board: the live queue, the agents' status and load, today's figures (from the desk's case index).</summary>
internal sealed partial class DeskGrain
{
    public async Task<DeskBoard> GetBoard()
    {
        var settings = State.Settings ?? throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        await RefreshLoadsAsync();
        var now = _time.GetUtcNow();
        var queue = State.Queue.Select(e => new BoardWaiting(e.ConversationId, e.VisitorId, WholeSeconds(now - e.EnqueuedAt))).ToList();
        var agents = await Task.WhenAll(settings.Agents.Select(async agentId =>
        {
            var load = _loads.GetValueOrDefault(agentId);
            return new BoardAgent(agentId, await DisplayNameAsync(agentId), load?.Status ?? AgentStatus.Offline, load?.Capacity ?? settings.AgentCapacity, load?.Chats.Count ?? 0);
        }));
        // "Today" is the desk's local day when it keeps hours, else the UTC day: the same dating the cases use.
        var today = ServiceCaseGrain.LocalDate(now, settings.Hours?.TimeZone);
        var figures = await GrainFactory.GetGrain<IDeskCasesGrain>(DeskId).Figures(today);
        return new DeskBoard(DeskId, queue.Count, queue.Count == 0 ? 0 : queue.Max(q => q.WaitingSeconds), queue, agents, figures.Desk, figures.Agents);
    }

    private async Task<string> DisplayNameAsync(string userId)
    {
        try
        {
            return (await User(userId).GetProfile()).DisplayName;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Desk {Desk} could not read agent {Agent}'s name for the board", DeskId, userId);
            return userId;
        }
    }

    private static long WholeSeconds(TimeSpan span) => Math.Max(0, (long)span.TotalSeconds);
}
