using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// No chat left behind: a chat whose agent has not answered within the desk's no-answer timeout goes back to the head of
/// the queue for another agent. Checked on the desk's retry timer (DeskOptions.RetryInterval), so a chat is taken back
/// between the timeout and the timeout plus one interval; no reminder or per-chat timer is needed.
/// </summary>
internal sealed partial class DeskGrain
{
    public async Task<bool> AgentReplied(string conversationId, string agentId)
    {
        if (!State.Assigned.TryGetValue(conversationId ?? "", out var served) || served.AgentId != agentId) return false;
        if (served.RepliedAt is not null) return true;
        served.RepliedAt = _time.GetUtcNow();
        await _state.WriteStateAsync();
        return true;
    }

    /// <summary>
    /// Moves overdue unanswered chats to the head of the queue (oldest assignment first), then tells their agents.
    /// </summary>
    /// <remarks>
    /// The desk stores the move and what it owes each agent before calling any: if the desk dies in between, the next
    /// tick finishes the release (releasing a chat the agent no longer holds is a no-op).
    /// </remarks>
    private async Task TakeBackUnansweredAsync()
    {
        var timeout = State.Settings?.NoAnswerTimeout ?? TimeSpan.Zero;
        var now = _time.GetUtcNow();
        var overdue = timeout <= TimeSpan.Zero ? [] : State.Assigned
            .Where(p => p.Value.RepliedAt is null && now - p.Value.At >= timeout)
            .OrderBy(p => p.Value.At)
            .ToList();
        var forgotten = ForgetPassedOver();
        if (overdue.Count > 0 || forgotten)
        {
            foreach (var (conversationId, served) in Enumerable.Reverse(overdue))
            {
                State.Assigned.Remove(conversationId);
                State.Queue.Insert(0, new QueueEntry { ConversationId = conversationId, VisitorId = served.VisitorId, EnqueuedAt = now });
                if (!State.PassedOver.TryGetValue(conversationId, out var passed)) State.PassedOver[conversationId] = passed = [];
                if (!passed.Contains(served.AgentId, StringComparer.Ordinal)) passed.Add(served.AgentId);
                State.Releasing[conversationId] = served.AgentId;
            }
            await _state.WriteStateAsync();
        }
        foreach (var (conversationId, served) in overdue)
        {
            _logger.LogInformation("Desk {Desk} took {Conversation} back from agent {Agent}, who did not answer within {Timeout}", DeskId, conversationId, served.AgentId, timeout);
            await AuditAsync(AuditActors.System, AuditActions.NoAnswer, conversationId, $"agent {served.AgentId} did not answer within {timeout}");
            ReportQueued(conversationId, now);
        }
        await ReleaseOwedAsync();
    }

    /// <summary>Tells agents the chats taken back from them are gone; one that cannot be told now is told at the next tick.</summary>
    private async Task ReleaseOwedAsync()
    {
        if (State.Releasing.Count == 0) return;
        var done = new List<string>();
        foreach (var (conversationId, agentId) in State.Releasing)
        {
            try
            {
                // Release, not Finish: Finish would tell this desk ChatEnded one-way, and that late call would end
                // the chat's next assignment if it went back to the same agent.
                await GrainFactory.GetGrain<IAgentGrain>(agentId).Release(DeskId, conversationId);
                done.Add(conversationId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk} could not take {Conversation} back from agent {Agent}; retrying later", DeskId, conversationId, agentId);
            }
        }
        foreach (var conversationId in done) State.Releasing.Remove(conversationId);
        if (done.Count > 0) await _state.WriteStateAsync();
    }

    /// <summary>
    /// Another agent than those who let the chat go unanswered; failing that (nobody else takes chats now) one of them
    /// again, so a desk whose only free agent ignored a chat does not stall its queue. Never an agent the desk still owes
    /// a release of this very chat: that agent would accept it as already held and then lose it to the release.
    /// </summary>
    private string? ChooseFor(QueueEntry head, IReadOnlySet<string> refused)
    {
        var passed = State.PassedOver.GetValueOrDefault(head.ConversationId);
        var owed = State.Releasing.GetValueOrDefault(head.ConversationId);
        if (passed is null && owed is null) return Choose(head.VisitorId, refused);
        var notOwed = new HashSet<string>(refused, StringComparer.Ordinal);
        if (owed is not null) notOwed.Add(owed);
        var others = new HashSet<string>(notOwed, StringComparer.Ordinal);
        if (passed is not null) others.UnionWith(passed);
        return Choose(head.VisitorId, others) ?? Choose(head.VisitorId, notOwed);
    }

    /// <summary>Drops passed-over lists of chats the desk no longer holds; true when any went.</summary>
    private bool ForgetPassedOver()
    {
        var gone = State.PassedOver.Keys
            .Where(c => !State.Assigned.ContainsKey(c) && !State.Queue.Exists(e => e.ConversationId == c))
            .ToList();
        foreach (var conversationId in gone) State.PassedOver.Remove(conversationId);
        return gone.Count > 0;
    }
}
