using Im.Orleans.Grains.Batching;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// A conversation's deliveries to its members' user grains: per member one <c>Deliver</c> call in flight, carrying every
/// stored message queued for that member since the last call, in seq order. At a few messages a second that is one
/// call per message; at hundreds, one call carries many, so the calls per message fall as the load rises. A failed or
/// dropped delivery leaves a gap that the user grain fills from the log.
/// </summary>
internal sealed class MemberDeliveries(IGrainFactory grains, ILogger logger, string conversationId, int maxQueuedPerMember)
{
    private readonly Dictionary<string, SerialBatchSender<Message>> _byMember = new(StringComparer.Ordinal);

    /// <summary>Queues stored messages (ascending seq) for each member.</summary>
    public void Enqueue(IReadOnlyList<Message> messages, IEnumerable<string> memberIds)
    {
        if (messages.Count == 0) return;
        var members = memberIds.ToHashSet(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (!_byMember.TryGetValue(member, out var sender)) _byMember[member] = sender = NewSender(member);
            sender.EnqueueRange(messages);
        }
        // Members who left keep their sender only until what was stored while they belonged is delivered.
        foreach (var gone in _byMember.Where(p => !members.Contains(p.Key) && p.Value.IsIdle).Select(p => p.Key).ToList()) _byMember.Remove(gone);
    }

    private SerialBatchSender<Message> NewSender(string userId)
    {
        var user = grains.GetGrain<IUserGrain>(userId);
        return new SerialBatchSender<Message>(batch => user.Deliver(batch), maxQueuedPerMember,
            (e, count) => logger.LogDebug(e, "Conversation {Conversation}: delivering {Count} messages to {User} failed; it reads them from the log", conversationId, count, userId));
    }
}
