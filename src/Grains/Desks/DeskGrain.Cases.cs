using Im.Orleans.Grains.Desks.Cases;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// Service cases at the desk (ServiceCaseGrain): the desk reports queueing one-way and awaits the resolution report (a
/// case calls the desk only one-way, so nothing can deadlock), reopens a chat the visitor wrote in again, and resolves on
/// a supervisor's word.
/// </summary>
internal sealed partial class DeskGrain
{
    /// <summary>Who resolves in the turn running now when it is not the serving agent (a supervisor), for the audit entry.</summary>
    private string? _resolvingActor;

    public Task<DeskSettings> CaseSettings()
    {
        if (State.Settings is { } settings) return Task.FromResult(settings);
        // Like OpenServiceChat: no activation (and retry timer) kept for an id nobody configured.
        DeactivateOnIdle();
        throw ChatException.NotFound($"There is no desk '{DeskId}'.");
    }

    public async Task Reopen(string conversationId, string visitorId, string? resolvedBy, DateTimeOffset? resolvedAt)
    {
        if (State.Settings is not { } settings) return;
        if (State.Assigned.ContainsKey(conversationId) || State.Queue.Exists(e => e.ConversationId == conversationId)) return;
        var now = _time.GetUtcNow();
        foreach (var gone in State.ReopenPreferred.Keys.Where(v => !State.Queue.Exists(e => e.VisitorId == v)).ToList()) State.ReopenPreferred.Remove(gone);
        // Within the window the agent who resolved it is asked first (see PreferredOnReopen); after it, an ordinary new chat.
        var window = settings.ReopenWindow ?? TimeSpan.FromHours(24);
        if (resolvedBy is not null && resolvedAt is { } at && now - at <= window)
        {
            State.ReopenPreferred[visitorId] = new Served { AgentId = resolvedBy, VisitorId = visitorId, At = at };
        }
        QueueTicket ticket;
        try
        {
            ticket = await Enqueue(conversationId, visitorId);
        }
        catch (ChatException e)
        {
            // Blocked or a full queue: the chat stays resolved; the visitor's next message tries again.
            State.ReopenPreferred.Remove(visitorId);
            _logger.LogInformation("Desk {Desk} did not reopen {Conversation}: {Reason}", DeskId, conversationId, e.Message);
            return;
        }
        _logger.LogInformation("Desk {Desk} reopened {Conversation} on a message of visitor {Visitor}", DeskId, conversationId, visitorId);
        ReportQueued(conversationId, ticket, now);
        _ = User(visitorId).PushQueue(QueueStatus.From(DeskId, ticket));
    }

    public async Task<AgentLoad> ResolveServiceChat(string conversationId, CaseActor actor)
    {
        if (!State.Assigned.TryGetValue(conversationId ?? "", out var served)) throw ChatException.NotFound($"{conversationId} is not being served at desk {DeskId}.");
        var supervisor = actor.Supervisor || State.Settings?.Supervisors.Contains(actor.UserId, StringComparer.Ordinal) == true;
        if (served.AgentId != actor.UserId && !supervisor) throw ChatException.Forbidden($"{actor.UserId} neither serves {conversationId} nor supervises desk {DeskId}.");
        _resolvingActor = actor.UserId;
        try
        {
            return await FinishServiceChat(served.AgentId, conversationId!);
        }
        finally
        {
            _resolvingActor = null;
        }
    }

    /// <summary>
    /// The sticky window alone cannot serve a reopen: it runs from the end of the chat for StickyWindow (often an hour),
    /// and LastServed is pruned after it, while the reopen window is a separate setting (24 h by default).
    /// </summary>
    private string? PreferredOnReopen(string visitorId, IReadOnlySet<string> refused)
    {
        if (!State.ReopenPreferred.TryGetValue(visitorId, out var preferred)) return null;
        var agent = preferred.AgentId;
        return !refused.Contains(agent) && _loads.TryGetValue(agent, out var load) && load.TakesChats
            && State.Settings!.Agents.Contains(agent, StringComparer.Ordinal) ? agent : null;
    }

    /// <summary>The visitor waits (an immediate assignment is reported by the conversation when the agent joins).</summary>
    private void ReportQueued(string conversationId, QueueTicket ticket, DateTimeOffset at)
    {
        if (ticket.IsWaiting) ReportQueued(conversationId, at);
    }

    private void ReportQueued(string conversationId, DateTimeOffset at)
    {
        if (IsCase(conversationId)) _ = Case(conversationId).Queued(DeskId, at);
    }

    /// <summary>
    /// A transfer or a taken ticket, awaited before the chat changes hands (a case never awaits a desk): the case names the
    /// serving desk and agent when the caller reads it, and the conversation's later report of the assignment is no news.
    /// </summary>
    private async Task ReportMovedAsync(string conversationId, CaseMove move)
    {
        if (!IsCase(conversationId)) return;
        try
        {
            await Case(conversationId).Moved(move);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The move stands; the case catches up with the next report (the assignment, a message).
            _logger.LogWarning(e, "Desk {Desk} could not tell case {Conversation} it moved to {Target}", DeskId, conversationId, move.AgentId ?? move.DeskId);
        }
    }

    /// <summary>After FinishServiceChat: the case is resolved (dated in the desk's time zone) and the resolve audited.</summary>
    private async Task ReportResolvedAsync(string conversationId, Served served)
    {
        State.ReopenPreferred.Remove(served.VisitorId);
        var now = _time.GetUtcNow();
        try
        {
            // Awaited (a case never awaits the desk): whoever finished the chat reads it resolved right after.
            if (IsCase(conversationId)) await Case(conversationId).Resolved(DeskId, served.AgentId, now, State.Settings?.Hours?.TimeZone);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The chat is finished all the same; the case shows its last status until the next report.
            _logger.LogWarning(e, "Desk {Desk} could not tell case {Conversation} it was resolved", DeskId, conversationId);
        }
        await AuditAsync(_resolvingActor ?? served.AgentId, CaseAuditActions.Resolve, conversationId, $"agent {served.AgentId}");
    }

    // Any service conversation has a case, whichever desk serves it now.
    private static bool IsCase(string conversationId) => ConversationIds.TryParseService(conversationId, out _, out _);

    private IServiceCaseGrain Case(string conversationId) => GrainFactory.GetGrain<IServiceCaseGrain>(conversationId);
}
