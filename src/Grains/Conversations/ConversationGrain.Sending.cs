using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// The append batcher. Send only validates and queues (no await before queueing, so sends keep their arrival order);
/// one flush loop at a time takes everything queued, assigns the next seqs, writes them in one AppendAsync and
/// completes each send once its row is durable. Seqs are assigned only to rows about to be written and _lastSeq moves
/// only after a commit, so a failed append leaves no gap; a clientMsgId the store finds already stored gives its seq to
/// the rows after it (see IMessageStore.AppendAsync).
/// </summary>
internal sealed partial class ConversationGrain : Grain
{
    private readonly Queue<PendingSend> _queue = new();
    private readonly Dictionary<string, PendingSend> _inFlight = new(StringComparer.Ordinal);
    private bool _flushing;
    private bool _resyncSeq;

    public Task<SendResult> Send(string senderId, SendCommand command)
    {
        SendValidator.Validate(command, _options, _lastSeq);
        var member = RequireMember(senderId);
        if (member.Muted) throw ChatException.Forbidden($"{senderId} is muted in {Id}.");
        RefuseUnassignedAgent(member);
        if (_clientIds.TryGet(command.ClientMsgId, out var stored)) return Task.FromResult(DuplicateOf(stored, senderId));
        if (_inFlight.TryGetValue(command.ClientMsgId, out var earlier)) return DuplicateOfAsync(earlier, senderId);

        return Enqueue(new PendingSend(senderId, command));
    }

    private Task<SendResult> Enqueue(PendingSend pending)
    {
        _inFlight[pending.ClientMsgId] = pending;
        _queue.Enqueue(pending);
        if (!_flushing)
        {
            _flushing = true;
            _ = FlushLoopAsync();
        }
        return pending.Task;
    }

    private async Task FlushLoopAsync()
    {
        try
        {
            // Let the sends that are already scheduled on this activation join the first batch.
            await Task.Yield();
            while (_queue.Count > 0)
            {
                var batch = new List<PendingSend>(Math.Min(_queue.Count, _options.MaxAppendBatch));
                while (batch.Count < _options.MaxAppendBatch && _queue.TryDequeue(out var next)) batch.Add(next);
                await FlushAsync(batch);
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    private async Task FlushAsync(List<PendingSend> batch)
    {
        try
        {
            if (_resyncSeq)
            {
                // The last append failed, maybe after committing, maybe because another activation appended meanwhile:
                // continue from what the log really holds, recent messages included, so History has no hole.
                await LoadFromLogAsync(CancellationToken.None);
                _resyncSeq = false;
            }

            await RefuseBlockedAsync(batch);
            await AnswerStoredRetriesAsync(batch);
            var writing = batch.Where(p => !p.IsDone).ToList();
            if (writing.Count == 0) return;

            var sentAt = Now();
            var messages = writing.Select((p, i) => NewMessage(p, _lastSeq + 1 + i, sentAt)).ToList();
            var outcomes = await _store.AppendAsync(Id, messages);
            var appended = new List<Message>(messages.Count);
            for (var i = 0; i < writing.Count; i++)
            {
                var (message, duplicate) = outcomes[i];
                _clientIds.Remember(message);
                if (duplicate)
                {
                    // Another writer stored this clientMsgId between our lookup and our insert; the store moved the rows
                    // after it up into its seq, so the log keeps no hole.
                    Settle(writing[i], message);
                    continue;
                }
                appended.Add(message);
                writing[i].Complete(ResultOf(message, duplicate: false));
            }

            if (appended.Count > 0) _lastSeq = appended[^1].Seq;
            foreach (var message in appended)
            {
                _recent.Add(message);
                _lastMessage = message;
            }
            FanOut(appended);
            ReportAgentReply(appended);
        }
        catch (Exception error)
        {
            _resyncSeq = true;
            _logger.LogWarning(error, "Conversation {Conversation}: append of {Count} messages failed", Id, batch.Count);
            // Nothing of this batch was acknowledged; a retry with the same clientMsgId stores each message once.
            var retry = error as ChatException ?? ChatException.Unavailable("The messages were not stored; send them again with the same clientMsgId.");
            foreach (var pending in batch) pending.Fail(retry);
        }
        finally
        {
            foreach (var pending in batch) _inFlight.Remove(pending.ClientMsgId);
        }
    }

    /// <summary>In a direct conversation the peer's blocks apply: a blocked sender is refused with forbidden.</summary>
    private async Task RefuseBlockedAsync(List<PendingSend> batch)
    {
        if (State.Kind != ConversationKinds.Direct) return;
        var senders = batch.Select(p => p.SenderId).Distinct().ToList();
        var checks = senders.Select(async sender =>
        {
            var peer = State.Members.FirstOrDefault(m => m.UserId != sender)?.UserId;
            return (sender, accepted: peer is null || await User(peer).Accepts(sender));
        }).ToList();
        foreach (var (sender, accepted) in await Task.WhenAll(checks))
        {
            if (accepted) continue;
            foreach (var pending in batch.Where(p => p.SenderId == sender))
                pending.Fail(ChatException.Forbidden($"{sender} may not send to this conversation: the peer blocked them."));
        }
    }

    /// <summary>Retries of messages older than the memory index are answered from the log, before any seq is assigned.</summary>
    private async Task AnswerStoredRetriesAsync(List<PendingSend> batch)
    {
        if (_clientIds.CoversAll) return;
        var open = batch.Where(p => !p.IsDone).ToList();
        if (open.Count == 0) return;
        var stored = await _store.FindByClientMsgIdsAsync(Id, [.. open.Select(p => p.ClientMsgId)]);
        foreach (var message in stored)
        {
            _clientIds.Remember(message);
            foreach (var pending in open.Where(p => p.ClientMsgId == message.ClientMsgId)) Settle(pending, message);
        }
    }

    // After the commit, so user grains see only durable messages; never awaited here, so no member slows a send.
    private void FanOut(List<Message> messages) => _deliveries.Enqueue(messages, MemberIds);

    private Message NewMessage(PendingSend pending, long seq, DateTimeOffset sentAt)
    {
        var command = pending.Command;
        var attachment = command.Attachment ?? (string.IsNullOrWhiteSpace(command.AttachmentId) ? null : new Attachment(command.AttachmentId, "", "application/octet-stream", 0));
        return new Message(Id, seq, Guid.NewGuid().ToString("N"), command.ClientMsgId, pending.SenderId, command.Kind, command.Text, attachment, sentAt, Recalled: false, command.ReplyToSeq, System: pending.System);
    }

    private async Task<SendResult> DuplicateOfAsync(PendingSend earlier, string senderId)
    {
        var result = await earlier.Task;
        if (earlier.SenderId != senderId) throw ChatException.Conflict("This clientMsgId was used by another sender.");
        return result with { Duplicate = true };
    }

    private static void Settle(PendingSend pending, Message stored)
    {
        if (stored.SenderId == pending.SenderId) pending.Complete(ResultOf(stored, duplicate: true));
        else pending.Fail(ChatException.Conflict("This clientMsgId was used by another sender."));
    }

    private static SendResult DuplicateOf(Message stored, string senderId) =>
        stored.SenderId == senderId ? ResultOf(stored, duplicate: true) : throw ChatException.Conflict("This clientMsgId was used by another sender.");

    private static SendResult ResultOf(Message message, bool duplicate) => new(message.ConversationId, message.Seq, message.MessageId, message.SentAt, duplicate);
}
