using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks.Cases;

/// <summary>
/// A desk's case index and daily figures, kept apart from the desk so its queue writes stay small. Fed one-way by case
/// grains; lists by reading them (they never call this grain awaiting).
/// </summary>
[GrainType("deskcases")]
internal sealed class DeskCasesGrain : Grain, IDeskCasesGrain
{
    /// <summary>Cases kept in the index; beyond it the oldest resolved ones go first.</summary>
    internal const int MaxIndexed = 2000;

    internal const int DaysKept = 31;

    private readonly IPersistentState<DeskCasesState> _state;
    private readonly ILogger _logger;

    public DeskCasesGrain([PersistentState("deskcases")] IPersistentState<DeskCasesState> state, ILogger<DeskCasesGrain> logger)
    {
        _state = state;
        _logger = logger;
    }

    private DeskCasesState State => _state.State;

    public async Task CaseChanged(CaseSummary summary)
    {
        if (State.Cases.TryGetValue(summary.ConversationId, out var known) && known.UpdatedAt > summary.UpdatedAt) return;
        State.Cases[summary.ConversationId] = new CaseIndexEntry { Status = summary.Status, Labels = [.. summary.Labels], UpdatedAt = summary.UpdatedAt };
        var extra = State.Cases.Count - MaxIndexed;
        if (extra > 0)
        {
            var drop = State.Cases.OrderBy(p => p.Value.Status == ServiceCaseStatus.Resolved ? 0 : 1).ThenBy(p => p.Value.UpdatedAt).Take(extra).Select(p => p.Key).ToList();
            foreach (var id in drop) State.Cases.Remove(id);
        }
        await _state.WriteStateAsync();
    }

    public async Task CaseLeft(string conversationId, DateTimeOffset at)
    {
        // A change reported after the move (newer) means the case came back: it stays.
        if (!State.Cases.TryGetValue(conversationId, out var known) || known.UpdatedAt > at) return;
        State.Cases.Remove(conversationId);
        await _state.WriteStateAsync();
    }

    public async Task ChatResolved(ResolvedChat chat)
    {
        var day = Day(chat.Date);
        foreach (var sums in new[] { day.Desk, Agent(day, chat.AgentId) })
        {
            sums.Chats++;
            if (chat.FirstResponse is { } first && first >= TimeSpan.Zero)
            {
                sums.FirstResponseMs += (long)first.TotalMilliseconds;
                sums.FirstResponses++;
            }
            if (chat.Handle is { } handle && handle >= TimeSpan.Zero)
            {
                sums.HandleMs += (long)handle.TotalMilliseconds;
                sums.Handles++;
            }
        }
        Prune(chat.Date);
        await _state.WriteStateAsync();
    }

    public async Task ChatRated(string date, string agentId, int rating, int? previous)
    {
        // A rating of a day already pruned counts nowhere.
        if (!State.Days.TryGetValue(date, out var day)) return;
        foreach (var sums in new[] { day.Desk, Agent(day, agentId) })
        {
            sums.RatingSum += rating - (previous ?? 0);
            if (previous is null) sums.Ratings++;
        }
        await _state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<ServiceCase>> List(string? status, string? label, int limit)
    {
        var ids = State.Cases
            .Where(p => (status is null || p.Value.Status == status) && (label is null || p.Value.Labels.Contains(label, StringComparer.Ordinal)))
            .OrderByDescending(p => p.Value.UpdatedAt)
            .Take(Math.Clamp(limit, 0, 200))
            .Select(p => p.Key)
            .ToList();
        var cases = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await GrainFactory.GetGrain<IServiceCaseGrain>(id).Get();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk} could not read case {Case} for a list", this.GetPrimaryKeyString(), id);
                return null;
            }
        }));
        // A one-way CaseChanged from before a move may arrive after its CaseLeft: a case another desk serves now is not listed here.
        var deskId = this.GetPrimaryKeyString();
        return [.. cases.OfType<ServiceCase>().Where(c => c.DeskId == deskId)];
    }

    public Task<DeskDayFigures> Figures(string date)
    {
        var day = State.Days.GetValueOrDefault(date) ?? new DaySums();
        var agents = day.Agents.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            var f = Figure(date, p.Value);
            return new AgentDayFigures(p.Key, f.ChatsHandled, f.AvgFirstResponseSeconds, f.AvgHandleSeconds, f.Csat, f.Ratings);
        });
        return Task.FromResult(new DeskDayFigures(Figure(date, day.Desk), [.. agents]));
    }

    private static DayFigures Figure(string date, FigureSums s) => new(
        date,
        s.Chats,
        s.FirstResponses == 0 ? null : (long)Math.Round(s.FirstResponseMs / 1000.0 / s.FirstResponses),
        s.Handles == 0 ? null : (long)Math.Round(s.HandleMs / 1000.0 / s.Handles),
        s.Ratings == 0 ? null : Math.Round((double)s.RatingSum / s.Ratings, 2),
        s.Ratings);

    private DaySums Day(string date)
    {
        if (!State.Days.TryGetValue(date, out var day)) State.Days[date] = day = new DaySums();
        return day;
    }

    private static FigureSums Agent(DaySums day, string agentId)
    {
        if (!day.Agents.TryGetValue(agentId, out var sums)) day.Agents[agentId] = sums = new FigureSums();
        return sums;
    }

    /// <summary>Keeps the days within <see cref="DaysKept"/> of the newest one recorded.</summary>
    private void Prune(string newest)
    {
        if (!DateOnly.TryParseExact(newest, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var latest)) return;
        var cutoff = latest.AddDays(-DaysKept);
        foreach (var date in State.Days.Keys.ToList())
        {
            if (DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d < cutoff) State.Days.Remove(date);
        }
    }
}
