using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// Transfers (issue 10 item 5). To an agent: the target's agent grain decides, as with any offer, so capacity holds;
/// the chat changes hands in one desk turn. To a desk: a two-step hand-over in which no desk ever waits on another
/// (two desks transferring to each other at once would otherwise deadlock): this desk gives the chat up and keeps
/// the <see cref="DeskTransfer"/> until the target confirms (one-way) that it queued it; the caller hands it over at
/// once and the retry timer hands it over again until confirmed; the target recognises a repeat by the transfer id.
/// </summary>
internal sealed partial class DeskGrain
{
    private const int MaxNoteLength = 2000;

    public async Task<QueueTicket> TransferToAgent(string conversationId, string actorId, bool asOperator, string toAgentId, string? note)
    {
        var settings = RequireSettings();
        CheckNote(note);
        if (!State.Assigned.TryGetValue(conversationId ?? "", out var served)) throw ChatException.NotFound($"{conversationId} is not being served at desk {DeskId}.");
        RequireMayTransfer(settings, served, actorId, asOperator);
        if (string.IsNullOrWhiteSpace(toAgentId)) throw ChatException.Invalid("Name the agent to transfer to.");
        if (toAgentId == served.AgentId) throw ChatException.Invalid($"{toAgentId} already serves {conversationId}.");
        if (!IsStaff(settings, toAgentId)) throw ChatException.Conflict($"{toAgentId} is not staff of desk {DeskId}; the chat stays with {served.AgentId}.");

        var since = State.HandleSince.GetValueOrDefault(conversationId!, served.At);
        // Written before asking: if the desk dies before recording the answer, the timer frees the slot the agent may have taken.
        State.TransferOffers[conversationId!] = toAgentId;
        await _state.WriteStateAsync();
        OfferReply reply;
        try
        {
            reply = await GrainFactory.GetGrain<IAgentGrain>(toAgentId).OfferTransfer(DeskId, conversationId!, since);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ChatException)
        {
            _logger.LogWarning(e, "Desk {Desk} could not offer {Conversation} to {Agent} in a transfer", DeskId, conversationId, toAgentId);
            throw ChatException.Unavailable($"{toAgentId} could not be asked; the chat stays with {served.AgentId}.");
        }
        if (!reply.Accepted)
        {
            State.TransferOffers.Remove(conversationId!);
            await _state.WriteStateAsync();
            throw ChatException.Conflict($"{toAgentId} cannot take the chat now (not online, full, or not an agent of desk {DeskId}); it stays with {served.AgentId}.");
        }

        var previous = served.AgentId;
        var now = _time.GetUtcNow();
        // The new agent owes the visitor an answer: the no-answer clock starts again for them.
        State.Assigned[conversationId!] = new Served { AgentId = toAgentId, VisitorId = served.VisitorId, At = now };
        State.HandleSince[conversationId!] = since;
        State.TransferOffers.Remove(conversationId!);
        await _state.WriteStateAsync();
        await AuditAsync(actorId, AuditActions.Transfer, conversationId!, Describe($"agent {previous} -> agent {toAgentId}", note));
        // The case gets the new agent (who gets "case") and the note as a private note (pushed to them as "note").
        await ReportMovedAsync(conversationId!, new CaseMove(DeskId, toAgentId, actorId, note, now));

        await ReleaseTakenOverAsync(conversationId!, previous);
        if (IsServiceChat(conversationId!))
        {
            try
            {
                await Conversation(conversationId!).LeaveAgent(previous);
                await Conversation(conversationId!).JoinAgent(toAgentId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk}: the members of {Conversation} did not follow its transfer to {Agent}", DeskId, conversationId, toAgentId);
            }
            _ = User(toAgentId).PushAssigned(new AssignedEvent(conversationId!, DeskId, served.VisitorId, previous, note));
            _ = User(served.VisitorId).PushQueue(QueueStatus.From(DeskId, Ticket(conversationId!)));
        }
        return Ticket(conversationId!);
    }

    public async Task<DeskTransfer> TransferOut(string conversationId, string actorId, bool asOperator, string toDeskId, string? note)
    {
        var settings = RequireSettings();
        CheckNote(note);
        if (string.IsNullOrWhiteSpace(toDeskId) || toDeskId.Contains(':')) throw ChatException.Invalid("Name the desk to transfer to.");
        if (toDeskId == DeskId) throw ChatException.Invalid($"{conversationId} is at desk {DeskId} already.");
        State.Assigned.TryGetValue(conversationId ?? "", out var served);
        var waiting = State.Queue.Find(e => e.ConversationId == conversationId);
        if (served is null && waiting is null) throw ChatException.NotFound($"{conversationId} is not at desk {DeskId}.");
        if (served is not null) RequireMayTransfer(settings, served, actorId, asOperator);
        else if (!asOperator && !settings.Supervisors.Contains(actorId ?? "", StringComparer.Ordinal))
            throw ChatException.Forbidden($"Only supervisors of desk {DeskId} move waiting chats.");
        // Where only reads and interleaves, so asking the target cannot deadlock; it throws not_found for an unknown desk.
        await GrainFactory.GetGrain<IDeskGrain>(toDeskId).Where(conversationId!);

        var now = _time.GetUtcNow();
        var transfer = new DeskTransfer(Guid.NewGuid().ToString("N"), conversationId!, served?.VisitorId ?? waiting!.VisitorId, DeskId, toDeskId, actorId!, served?.AgentId, note, now);
        if (served is not null)
        {
            // The chat ends here for this desk: the time its agents spent counts as one handled chat of this desk.
            RecordHandleTime(now - State.HandleSince.GetValueOrDefault(conversationId!, served.At));
            State.Assigned.Remove(conversationId!);
        }
        else
        {
            State.Queue.Remove(waiting!);
        }
        State.HandleSince.Remove(conversationId!);
        State.TransfersOut[conversationId!] = transfer;
        await _state.WriteStateAsync();
        await AuditAsync(actorId!, AuditActions.Transfer, conversationId!, Describe($"desk {DeskId}{(served is null ? "" : $" (agent {served.AgentId})")} -> desk {toDeskId}", note));
        // Reported here, once, before the target can assign it: the case waits at the target desk (its staff now see
        // it, and its index lists it), with the note for whoever takes it there.
        await ReportMovedAsync(conversationId!, new CaseMove(toDeskId, null, actorId!, note, now));
        if (served is not null)
        {
            await ReleaseTakenOverAsync(conversationId!, served.AgentId);
            if (IsServiceChat(conversationId!))
            {
                try
                {
                    await Conversation(conversationId!).LeaveAgent(served.AgentId);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Desk {Desk}: agent {Agent} did not leave {Conversation} transferred to desk {Target}", DeskId, served.AgentId, conversationId, toDeskId);
                }
            }
        }
        else
        {
            TellWaiting();
        }
        return transfer;
    }

    public async Task<QueueTicket> TransferIn(DeskTransfer transfer)
    {
        RequireSettings();
        if (transfer is null || transfer.ToDeskId != DeskId) throw ChatException.Invalid($"That transfer is not for desk {DeskId}.");
        var conversationId = transfer.ConversationId;
        var service = IsServiceChat(conversationId);
        var held = State.Assigned.ContainsKey(conversationId) || State.Queue.Exists(e => e.ConversationId == conversationId);
        if (!held && service && (await Conversation(conversationId).GetServingDesk())?.TransferId == transfer.TransferId)
        {
            // Taken in earlier and done with since: only the confirmation was lost.
            _ = GrainFactory.GetGrain<IDeskGrain>(transfer.FromDeskId).TransferDone(conversationId, transfer.TransferId);
            return Ticket(conversationId);
        }
        if (!held)
        {
            // At the head: it waited once already. A transfer is not a new chat, so neither the queue cap nor the blacklist applies.
            State.Queue.Insert(0, new QueueEntry { ConversationId = conversationId, VisitorId = transfer.VisitorId, EnqueuedAt = _time.GetUtcNow() });
            await _state.WriteStateAsync();
            await AuditAsync(transfer.ActorId, AuditActions.Transfer, conversationId, Describe($"desk {transfer.FromDeskId}{(transfer.FromAgentId is null ? "" : $" (agent {transfer.FromAgentId})")} -> desk {DeskId}", transfer.Note));
        }
        var moved = !service;
        if (service)
        {
            try
            {
                await Conversation(conversationId).MoveToDesk(DeskId, transfer.TransferId);
                moved = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Unconfirmed, so the sending desk hands it over again and this is retried.
                _logger.LogWarning(e, "Desk {Desk} could not record itself as serving {Conversation}", DeskId, conversationId);
            }
        }
        if (moved) _ = GrainFactory.GetGrain<IDeskGrain>(transfer.FromDeskId).TransferDone(conversationId, transfer.TransferId);
        if (!held)
        {
            await DrainAsync();
            // Everyone behind the newcomer moved back one place: the one move where positions rise.
            TellWaiting();
        }
        return Ticket(conversationId);
    }

    public async Task TransferDone(string conversationId, string transferId)
    {
        if (State.TransfersOut.TryGetValue(conversationId, out var transfer) && transfer.TransferId == transferId)
        {
            State.TransfersOut.Remove(conversationId);
            await _state.WriteStateAsync();
        }
    }

    public Task<QueueTicket> Where(string conversationId)
    {
        // A transfer names the target desk: an id nobody configured keeps no activation (nor its retry timer).
        if (State.Settings is null) DeactivateOnIdle();
        RequireSettings();
        return Task.FromResult(Ticket(conversationId ?? ""));
    }

    /// <summary>
    /// OpenServiceChat's check before queueing here: null when this desk is the one to queue it; else where it stands
    /// (being handed over, or at the desk it was transferred to). A chat the other desk is done with comes home.
    /// </summary>
    private async Task<QueueStatus?> ServedElsewhereAsync(string conversationId)
    {
        if (State.TransfersOut.TryGetValue(conversationId, out var moving)) return new QueueStatus(conversationId, moving.ToDeskId, null, null, null, NextStamp());
        if (State.Assigned.ContainsKey(conversationId) || State.Queue.Exists(e => e.ConversationId == conversationId)) return null;
        var serving = await Conversation(conversationId).GetServingDesk();
        if (serving is null || serving.DeskId == DeskId) return null;
        var there = await GrainFactory.GetGrain<IDeskGrain>(serving.DeskId).Where(conversationId);
        if (there.AgentId is not null || there.Position is not null) return QueueStatus.From(serving.DeskId, there);
        await Conversation(conversationId).MoveToDesk(DeskId, Guid.NewGuid().ToString("N"));
        // Home again: the case says so before the chat is queued or served here (an assignment report names no desk).
        ConversationIds.TryParseService(conversationId, out _, out var visitorId);
        await ReportMovedAsync(conversationId, new CaseMove(DeskId, null, visitorId, null, _time.GetUtcNow()));
        return null;
    }

    private void RecordHandleTime(TimeSpan handleTime)
    {
        State.RecentHandleTicks.Add(Math.Max(0, handleTime.Ticks));
        var extra = State.RecentHandleTicks.Count - Math.Max(1, _options.HandleTimeSamples);
        if (extra > 0) State.RecentHandleTicks.RemoveRange(0, extra);
    }

    private DeskSettings RequireSettings() => State.Settings ?? throw ChatException.NotFound($"There is no desk '{DeskId}'.");

    private void RequireMayTransfer(DeskSettings settings, Served served, string? actorId, bool asOperator)
    {
        if (asOperator || served.AgentId == actorId || settings.Supervisors.Contains(actorId ?? "", StringComparer.Ordinal)) return;
        throw ChatException.Forbidden($"Only the agent serving it or a supervisor of desk {DeskId} transfers a chat.");
    }

    private static void CheckNote(string? note)
    {
        if (note is { Length: > MaxNoteLength }) throw ChatException.Invalid($"A transfer note has at most {MaxNoteLength} characters.");
    }

    private static string Describe(string move, string? note) => string.IsNullOrWhiteSpace(note) ? move : $"{move}; note: {note}";
}
