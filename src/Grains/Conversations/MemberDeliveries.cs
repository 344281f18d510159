using Im.Orleans.Grains.Batching;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// A conversation's fan-out of stored messages. Pushes: one call per gateway carries each message with every member's
/// connection ids there, so a gateway serializes a message once for all of them. Deliveries: per member one
/// <c>Deliver</c> call in flight for unread counts and the offline queue, carrying everything stored since the last
/// call and saying which of the member's connections were pushed to; the user grain pushes to the others (a new
/// device) and answers with its routes, which later pushes use. Both batch by themselves: at a few messages a second
/// a call per message, at hundreds one call for many. A failed delivery leaves a gap the user grain fills from the
/// log; a failed push is recovered by the client's Sync.
/// </summary>
internal sealed class MemberDeliveries(IGrainFactory grains, ILogger logger, string conversationId, int maxQueued)
{
    private readonly IGrainFactory _grains = grains;
    private readonly ILogger _logger = logger;
    private readonly string _conversationId = conversationId;
    private readonly int _maxQueued = maxQueued;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GatewayPushes> _gateways = new(StringComparer.Ordinal);

    /// <summary>Pushes and queues stored messages (ascending seq) for the current members.</summary>
    public void Enqueue(IReadOnlyList<Message> messages, IEnumerable<string> memberIds)
    {
        if (messages.Count == 0) return;
        var current = memberIds.ToHashSet(StringComparer.Ordinal);
        foreach (var id in current)
        {
            if (!_members.ContainsKey(id)) _members[id] = new Member(this, id);
        }
        var receiving = _members.Values.Where(m => current.Contains(m.UserId)).ToList();
        PushToGateways(messages, receiving);
        foreach (var member in receiving)
        {
            foreach (var message in messages) member.Sender.Enqueue(new Delivery(message, member.PushedTo));
        }
        // Members who left keep their sender only until what was stored while they belonged is delivered.
        foreach (var gone in _members.Values.Where(m => !current.Contains(m.UserId) && m.Sender.IsIdle).ToList()) _members.Remove(gone.UserId);
    }

    private void PushToGateways(IReadOnlyList<Message> messages, List<Member> receiving)
    {
        var routes = receiving.SelectMany(m => m.Routes).ToList();
        foreach (var gateway in routes.GroupBy(r => r.GatewayId))
        {
            if (!_gateways.TryGetValue(gateway.Key, out var pushes)) _gateways[gateway.Key] = pushes = new GatewayPushes(this, gateway.Key);
            pushes.Gateway = gateway.Last().Gateway;
            string[] connectionIds = [.. gateway.SelectMany(r => r.ConnectionIds)];
            foreach (var message in messages) pushes.Sender.Enqueue(new ClientPush(connectionIds, ClientEventNames.Message, message));
        }
        var inUse = routes.Select(r => r.GatewayId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _gateways.Where(p => !inUse.Contains(p.Key) && p.Value.Sender.IsIdle).Select(p => p.Key).ToList()) _gateways.Remove(gone);
    }

    /// <summary>A stored message for one member, with that member's connections it was pushed to.</summary>
    private readonly record struct Delivery(Message Message, string[] PushedTo);

    /// <summary>One member: the deliveries to its user grain, and where its connections are as that grain last said.</summary>
    private sealed class Member
    {
        private readonly MemberDeliveries _owner;
        private readonly IUserGrain _grain;

        public Member(MemberDeliveries owner, string userId)
        {
            _owner = owner;
            UserId = userId;
            _grain = owner._grains.GetGrain<IUserGrain>(userId);
            Sender = new SerialBatchSender<Delivery>(DeliverAsync, owner._maxQueued, (e, count) =>
            {
                // Until its grain answers again, this member's devices get their pushes from it.
                SetRoutes([]);
                owner._logger.LogDebug(e, "Conversation {Conversation}: delivering {Count} messages to {User} failed; it reads them from the log", owner._conversationId, count, userId);
            });
        }

        public string UserId { get; }

        public SerialBatchSender<Delivery> Sender { get; }

        public GatewayRoute[] Routes { get; private set; } = [];

        /// <summary>The connection ids in <see cref="Routes"/>; one array per route change, so batches can tell runs apart.</summary>
        public string[] PushedTo { get; private set; } = [];

        private async Task DeliverAsync(Delivery[] batch)
        {
            // One call per run of messages pushed to the same connections: nearly always one call.
            var start = 0;
            while (start < batch.Length)
            {
                var pushedTo = batch[start].PushedTo;
                var end = start;
                while (end < batch.Length && ReferenceEquals(batch[end].PushedTo, pushedTo)) end++;
                var answer = await _grain.Deliver([.. batch[start..end].Select(d => d.Message)], pushedTo);
                Adopt(answer, earlierStillQueued: end < batch.Length || Sender.Queued > 0);
                start = end;
            }
        }

        /// <summary>
        /// Takes the user grain's routes. A connection new to them is pushed to from here only once nothing stored
        /// before is still on its way through the user grain, so it never sees a later message before an earlier one;
        /// until then the user grain keeps pushing to it. Connections that went away are dropped at once.
        /// </summary>
        private void Adopt(GatewayRoute[] answer, bool earlierStillQueued)
        {
            if (_owner._members.GetValueOrDefault(UserId) != this) return;
            if (!earlierStillQueued)
            {
                SetRoutes(answer);
                return;
            }
            var known = PushedTo.ToHashSet(StringComparer.Ordinal);
            SetRoutes([.. answer
                .Select(r => r with { ConnectionIds = [.. r.ConnectionIds.Where(known.Contains)] })
                .Where(r => r.ConnectionIds.Length > 0)]);
        }

        private void SetRoutes(GatewayRoute[] routes)
        {
            string[] pushedTo = [.. routes.SelectMany(r => r.ConnectionIds)];
            if (pushedTo.AsSpan().SequenceEqual(PushedTo) && routes.Length == Routes.Length && routes.Select(r => r.GatewayId).SequenceEqual(Routes.Select(r => r.GatewayId)))
            {
                // Same connections: keep the arrays, so runs stay one call; the gateway reference may be new.
                Routes = routes;
                return;
            }
            Routes = routes;
            PushedTo = pushedTo;
        }
    }

    /// <summary>The pushes to one gateway, one call in flight.</summary>
    private sealed class GatewayPushes
    {
        public GatewayPushes(MemberDeliveries owner, string gatewayId)
        {
            Sender = new SerialBatchSender<ClientPush>(batch => Gateway!.Push(batch), owner._maxQueued,
                (e, count) => owner._logger.LogDebug(e, "Conversation {Conversation}: a push of {Count} events to gateway {Gateway} failed", owner._conversationId, count, gatewayId));
        }

        public IClientObserver? Gateway { get; set; }

        public SerialBatchSender<ClientPush> Sender { get; }
    }
}
