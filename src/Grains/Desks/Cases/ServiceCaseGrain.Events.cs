using System.Globalization;

namespace Im.Orleans.Grains.Desks.Cases;

/// <summary>
/// What the desk and the conversation report. One-way calls from two senders can arrive out of order, so each event
/// carries its instant and a report older than the state it would overwrite is dropped.
/// </summary>
internal sealed partial class ServiceCaseGrain
{
    public async Task Queued(string deskId, DateTimeOffset at)
    {
        switch (State.Status)
        {
            case ServiceCaseStatus.Queued:
                if (State.DeskId == deskId && State.OpenedAt <= at) return;
                State.DeskId = deskId;
                if (State.OpenedAt is null || at < State.OpenedAt) State.OpenedAt = at;
                await SaveAsync();
                return;
            case ServiceCaseStatus.Open or ServiceCaseStatus.Pending:
                // A report from before the assignment arriving after it changes nothing.
                if (State.AssignedAt is { } assigned && at <= assigned) return;
                // Taken back (no answer) or moved to another desk: waiting again in the same turn.
                State.Status = ServiceCaseStatus.Queued;
                State.AgentId = null;
                State.DeskId = deskId;
                await SaveAsync();
                await ChangedAsync();
                return;
            case ServiceCaseStatus.Resolved when at < State.ResolvedAt:
                return;
            default:
                NewTurn(deskId, at);
                State.Status = ServiceCaseStatus.Queued;
                await SaveAsync();
                return;
        }
    }

    public async Task Assigned(string agentId, DateTimeOffset at)
    {
        if (State.Status is ServiceCaseStatus.Open or ServiceCaseStatus.Pending && State.AgentId == agentId) return;
        if (State.Status == ServiceCaseStatus.Resolved && at < State.ResolvedAt) return;
        // Served straight away (nobody reported a queue), or a chat coming back: a new turn. A ticket's turn goes on.
        if (State.Status is null or ServiceCaseStatus.Resolved) NewTurn(DeskId, at);
        State.Status = ServiceCaseStatus.Open;
        State.AgentId = agentId;
        State.AssignedAt ??= at;
        await SaveAsync();
        await ChangedAsync();
    }

    public async Task Resolved(string deskId, string agentId, DateTimeOffset at, string? timeZone)
    {
        if (State.Status == ServiceCaseStatus.Resolved && State.ResolvedAt >= at) return;
        State.Status = ServiceCaseStatus.Resolved;
        State.DeskId = deskId;
        State.AgentId = agentId;
        State.ResolvedAt = at;
        State.ResolvedBy = agentId;
        State.ResolvedDate = LocalDate(at, timeZone);
        State.Rating = null;
        State.RatingComment = null;
        await SaveAsync();
        var firstResponse = State.FirstResponseAt - State.OpenedAt;
        var handle = at - State.AssignedAt;
        _ = Cases.ChatResolved(new ResolvedChat(Id, State.ResolvedDate, agentId, firstResponse, handle));
        await ChangedAsync();
    }

    public async Task MessagesStored(IReadOnlyList<CaseWrite> writes)
    {
        var before = State.Status;
        var changed = false;
        var reopen = false;
        foreach (var write in writes)
        {
            if (write.SenderId == VisitorId)
            {
                if (State.Status == ServiceCaseStatus.Pending)
                {
                    State.Status = ServiceCaseStatus.Open;
                    changed = true;
                }
                // Resolved, waiting or never reported: the desk queues it again unless it holds it (idempotent).
                reopen |= State.Status is null or ServiceCaseStatus.Resolved or ServiceCaseStatus.Queued;
            }
            else if (write.SenderId == State.AgentId && State.Status is ServiceCaseStatus.Open or ServiceCaseStatus.Pending)
            {
                if (State.FirstResponseAt is null) State.FirstResponseAt = write.At;
                State.Status = ServiceCaseStatus.Pending;
                changed = true;
            }
        }
        if (reopen)
        {
            var resolved = State.Status == ServiceCaseStatus.Resolved;
            _ = GrainFactory.GetGrain<IDeskGrain>(DeskId).Reopen(Id, VisitorId, resolved ? State.ResolvedBy : null, resolved ? State.ResolvedAt : null);
        }
        if (!changed) return;
        await SaveAsync();
        if (State.Status != before) await ChangedAsync();
    }

    public async Task Ticketed(string deskId, CaseTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        NewTurn(deskId, ticket.At);
        State.Status = ServiceCaseStatus.Ticket;
        State.Ticket = ticket;
        await SaveAsync();
    }

    public async Task Moved(CaseMove move)
    {
        ArgumentNullException.ThrowIfNull(move);
        // A chat with no case yet (from before cases) or one reported resolved starts a turn; a ticket's turn goes on.
        if (State.Status is null or ServiceCaseStatus.Resolved) NewTurn(move.DeskId, move.At);
        State.DeskId = move.DeskId;
        State.AgentId = move.AgentId;
        if (move.AgentId is null)
        {
            State.Status = ServiceCaseStatus.Queued;
        }
        else
        {
            // The new agent owes the visitor an answer, as the desk's no-answer clock says.
            State.Status = ServiceCaseStatus.Open;
            State.AssignedAt ??= move.At;
        }
        var note = NewNote(move.ActorId, move.Note);
        await SaveAsync();
        await ChangedAsync();
        if (note is not null) PushNote(note);
    }

    /// <summary>A chat starts over: the timings, agent, rating and ticket of the last turn go; labels and notes stay.</summary>
    private void NewTurn(string deskId, DateTimeOffset at)
    {
        State.DeskId = deskId;
        State.OpenedAt = at;
        State.AgentId = null;
        State.AssignedAt = null;
        State.FirstResponseAt = null;
        State.ResolvedAt = null;
        State.ResolvedBy = null;
        State.ResolvedDate = null;
        State.Rating = null;
        State.RatingComment = null;
        State.Ticket = null;
    }

    /// <summary>The date at <paramref name="at"/> in the desk's time zone (UTC without one, or with one this host does not know).</summary>
    internal static string LocalDate(DateTimeOffset at, string? timeZone)
    {
        var local = at.ToUniversalTime();
        if (!string.IsNullOrEmpty(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)) local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
