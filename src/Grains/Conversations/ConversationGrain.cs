using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// One conversation: members and roles in persisted state; messages appended to the message store with gap-free
/// seq, batched, durable before the ack, then fanned out to the members' user grains.
/// </summary>
[GrainType("conversation")]
internal sealed partial class ConversationGrain : Grain, IConversationGrain
{
    private readonly IPersistentState<ConversationState> _state;
    private readonly IMessageStore _store;
    private readonly ConversationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RecentMessages _recent;
    private readonly ClientMsgIdIndex _clientIds;
    private readonly MemberDeliveries _deliveries;
    private long _lastSeq;
    private Message? _lastMessage;

    public ConversationGrain(
        [PersistentState("conversation")] IPersistentState<ConversationState> state,
        IMessageStore store,
        IOptions<ConversationOptions> options,
        TimeProvider time,
        IGrainFactory grains,
        ILogger<ConversationGrain> logger)
    {
        _state = state;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _recent = new RecentMessages(Math.Max(1, _options.RecentMessages));
        _clientIds = new ClientMsgIdIndex(Math.Max(1, _options.RecentClientMsgIds));
        _deliveries = new MemberDeliveries(grains, logger, this.GetPrimaryKeyString(), Math.Max(1, _options.MaxQueuedDeliveries));
    }

    private string Id => this.GetPrimaryKeyString();

    private ConversationState State => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!State.Exists) return;
        await LoadFromLogAsync(cancellationToken);
    }

    /// <summary>
    /// The log is the truth for seq and recent messages: grain state may lag it after a crash, and in a cluster another
    /// activation of this conversation may have appended while views disagreed, so continue from what is stored.
    /// </summary>
    private async Task LoadFromLogAsync(CancellationToken cancellationToken)
    {
        _lastSeq = await _store.GetLastSeqAsync(Id, cancellationToken);
        var newest = await _store.ReadBeforeAsync(Id, _lastSeq + 1, _options.RecentMessages, cancellationToken);
        _recent.Load(newest, _lastSeq);
        _clientIds.Load(newest, _lastSeq);
        _lastMessage = newest.Count > 0 ? newest[^1] : null;
    }

    public Task<ConversationView> GetView(string userId)
    {
        RequireMember(userId);
        return Task.FromResult(ViewFor(userId));
    }

    public Task<ConversationStateView> GetState() => Task.FromResult(new ConversationStateView(
        Id, State.Exists, State.Kind, State.Title, State.CreatedAt,
        [.. State.Members.Select(MemberViewOf)],
        _lastSeq, _recent.Count, _inFlight.Count));

    private MemberState RequireMember(string userId)
    {
        if (!State.Exists)
        {
            // Nothing to keep for an id nobody created: do not let random ids hold activations for 15 minutes.
            DeactivateOnIdle();
            throw ChatException.NotFound($"Conversation {Id} does not exist.");
        }
        return FindMember(userId) ?? throw ChatException.Forbidden($"{userId} is not a member of {Id}.");
    }

    private MemberState? FindMember(string userId) => State.Members.Find(m => m.UserId == userId);

    private ConversationView ViewFor(string userId)
    {
        var members = State.Members.Select(MemberViewOf).ToList();
        var title = State.Kind == ConversationKinds.Direct
            ? State.Members.FirstOrDefault(m => m.UserId != userId)?.UserId ?? userId
            : State.Title;
        // A last message the viewer deleted for themselves stays hidden in their list too.
        var last = _lastMessage is { } m && _hidden.TryGetValue(userId, out var hidden) && hidden.Contains(m.Seq) ? AsDeleted(m) : _lastMessage;
        return new ConversationView(Id, State.Kind, title, members, _lastSeq, last, Unread: 0, ReadSeq: 0, Muted: FindMember(userId)?.Muted ?? false);
    }

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);

    /// <summary>
    /// Asks the profiles of the users about to join, of the creator and of members still without a display name (one
    /// call each; FindProfile interleaves, so no call cycle can block), and refuses the change when a joining user has
    /// none. Runs before any state changes, so a refusal leaves nothing behind.
    /// </summary>
    private async Task<Dictionary<string, UserProfile?>> LookUpProfilesAsync(IReadOnlyCollection<string> joining, string? creator = null)
    {
        var ids = joining
            .Concat(creator is null ? [] : [creator])
            .Concat(State.Members.Where(m => m.DisplayName is null).Select(m => m.UserId))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var found = await Task.WhenAll(ids.Select(id => User(id).FindProfile()));
        var profiles = ids.Zip(found).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
        var unknown = joining.Where(id => profiles[id] is null).ToList();
        if (unknown.Count > 0)
        {
            if (!State.Exists) DeactivateOnIdle();
            throw ChatException.NotFound(UnknownUsers.Describe(unknown));
        }
        return profiles;
    }

    /// <summary>
    /// Names members that have none yet. Only the creator (who holds a token, so got a profile at sign-in) or a member
    /// who joined before users were checked can lack a profile; they show their id, which is what views did before.
    /// </summary>
    private void FillDisplayNames(Dictionary<string, UserProfile?> profiles)
    {
        foreach (var member in State.Members.Where(m => m.DisplayName is null))
        {
            var profile = profiles.GetValueOrDefault(member.UserId);
            member.DisplayName = profile?.DisplayName ?? member.UserId;
            member.AvatarUrl = profile?.AvatarUrl;
        }
    }

    private IEnumerable<string> MemberIds => State.Members.Select(m => m.UserId);

    private static MemberView MemberViewOf(MemberState member) =>
        new(member.UserId, member.Role, member.DisplayName, member.AvatarUrl, member.Muted);

    /// <summary>Tells users their view of this conversation changed (one-way, so a slow user grain never blocks this one).</summary>
    private void NotifyChanged(IEnumerable<string> userIds, bool removed = false)
    {
        foreach (var userId in userIds.ToList()) _ = User(userId).ConversationChanged(ViewFor(userId), removed);
    }

    // Milliseconds are what the stores keep; truncating here makes the acked, cached and stored times equal.
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }
}
