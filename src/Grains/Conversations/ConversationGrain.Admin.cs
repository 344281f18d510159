using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Conversations;

/// <summary>Group renames, the system messages of membership changes, and members' read positions.</summary>
internal sealed partial class ConversationGrain : Grain
{
    // Members' read seqs, filled from their user grains on the first GetReads, then moved by ReadUpTo; null until then.
    private Dictionary<string, long>? _reads;

    public async Task<ConversationView> RenameGroup(string actorId, string title)
    {
        RequireManager(actorId);
        if (string.IsNullOrWhiteSpace(title)) throw ChatException.Invalid("A group needs a title.");
        var trimmed = title.Trim();
        if (trimmed.Length > _options.MaxTitleLength) throw ChatException.Invalid($"The title is longer than {_options.MaxTitleLength} characters.");
        if (trimmed == State.Title) return ViewFor(actorId);
        State.Title = trimmed;
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        await WriteSystemAsync(actorId, new SystemNote(SystemActions.Renamed, actorId, [], Title: trimmed));
        return ViewFor(actorId);
    }

    /// <summary>
    /// Appends a system message through the send path, so it takes the next gap-free seq and fans out like any message.
    /// Groups only. The change it reports is already stored, so a failed append is logged, not thrown: the caller's
    /// change stands either way.
    /// </summary>
    private async Task WriteSystemAsync(string actorId, SystemNote note)
    {
        if (State.Kind != ConversationKinds.Group) return;
        var command = new SendCommand(Id, $"system:{Guid.NewGuid():N}", MessageKinds.System, null);
        try
        {
            await Enqueue(new PendingSend(actorId, command, note));
        }
        catch (ChatException error)
        {
            _logger.LogWarning(error, "Conversation {Conversation}: the system message {Action} was not stored", Id, note.Action);
        }
    }

    public async Task<IReadOnlyList<ReadPosition>> GetReads(string userId)
    {
        RequireMember(userId);
        var reads = _reads ?? await LoadReadsAsync();
        return [.. State.Members
            .Where(m => m.UserId != userId && reads.GetValueOrDefault(m.UserId) > 0)
            .Select(m => new ReadPosition(Id, m.UserId, reads[m.UserId]))];
    }

    public Task ReadUpTo(string userId, long seq)
    {
        // Before the first GetReads there is nothing to keep current: the load asks the user grains then.
        if (_reads is not null && seq > _reads.GetValueOrDefault(userId)) _reads[userId] = seq;
        return Task.CompletedTask;
    }

    private async Task<Dictionary<string, long>> LoadReadsAsync()
    {
        var members = MemberIds.ToList();
        var seqs = await Task.WhenAll(members.Select(id => User(id).GetReadSeq(Id)));
        // A ReadUpTo or another load may have landed while the user grains answered: keep the higher seq.
        var reads = _reads ?? new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (member, seq) in members.Zip(seqs))
        {
            if (seq > reads.GetValueOrDefault(member)) reads[member] = seq;
        }
        _reads = reads;
        return reads;
    }
}
