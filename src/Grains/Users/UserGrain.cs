using Im.Orleans.Grains.Gateways;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.People;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// One user: profile, live connections and presence, read cursors and unread counts, the conversation list,
/// contacts and blocks, and the bounded offline queue.
/// </summary>
[GrainType("user")]
internal sealed partial class UserGrain : Grain, IUserGrain
{
    private const int MaxDisplayNameLength = 100;

    private readonly IPersistentState<UserState> _state;
    private readonly UserOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GatewayConnectionIndex _gatewayIndex;
    private readonly IUserDirectory _directory;

    // Delivery bookkeeping (unread counts, summaries) not yet written; see Deliver.
    private bool _dirty;

    public UserGrain(
        [PersistentState("user")] IPersistentState<UserState> state,
        IOptions<UserOptions> options,
        TimeProvider time,
        ILogger<UserGrain> logger,
        GatewayConnectionIndex gatewayIndex,
        IUserDirectory directory)
    {
        _directory = directory;
        _gatewayIndex = gatewayIndex;
        _state = state;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private string UserId => this.GetPrimaryKeyString();

    private UserState State => _state.State;

    public Task<UserProfile> GetProfile()
    {
        ForgetIfNobody();
        return Task.FromResult(Profile());
    }

    // Every sign-in path stores a profile through SetProfile, so a grain without one is an id nobody created.
    public Task<UserProfile?> FindProfile()
    {
        ForgetIfNobody();
        return Task.FromResult(State.Role is null && State.DisplayName is null ? null : Profile());
    }

    public async Task<UserProfile> SetProfile(string displayName, string? avatarUrl, string role)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > MaxDisplayNameLength)
            throw ChatException.Invalid($"A display name needs 1 to {MaxDisplayNameLength} characters.");
        if (string.IsNullOrWhiteSpace(role)) throw ChatException.Invalid("A role is required.");
        // Every sign-in sets the profile; the directory row only needs writing when it is missing or out of date.
        var relist = !State.Listed || State.DisplayName != displayName.Trim() || State.Role != role;
        // A host system renaming its user is a profile change others see; a first sign-in is not.
        var renamed = State.DisplayName is not null && State.DisplayName != displayName.Trim();
        State.DisplayName = displayName.Trim();
        // Sign-ins pass no avatar: the one the user chose with UpdateProfile stays.
        if (!string.IsNullOrWhiteSpace(avatarUrl)) State.AvatarUrl = avatarUrl;
        State.Role = role;
        if (relist)
        {
            // Listed before the state says so: a failure between the two only lists the user again next time.
            await _directory.RecordAsync(Profile(), IsListed);
            State.Listed = true;
        }
        await SaveAsync();
        if (renamed) AnnounceProfile();
        return Profile();
    }

    public Task<bool> Accepts(string senderId)
    {
        ForgetIfNobody();
        return Task.FromResult(!State.Blocked.Contains(senderId));
    }

    public Task Block(string userId) => ChangeList(State.Blocked, userId, add: true);

    public Task Unblock(string userId) => ChangeList(State.Blocked, userId, add: false);

    public async Task AddContact(string userId)
    {
        // Presence changes go to every contact: an id nobody created would only cost fan-out and state.
        if (!State.Contacts.Contains(userId) && !string.IsNullOrWhiteSpace(userId) && await User(userId).FindProfile() is null)
            throw ChatException.NotFound($"There is no user {userId}.");
        await ChangeList(State.Contacts, userId, add: true);
    }

    public Task RemoveContact(string userId) => ChangeList(State.Contacts, userId, add: false);

    public Task<IReadOnlyList<string>> Contacts() => Task.FromResult<IReadOnlyList<string>>([.. State.Contacts]);

    public Task Focus(string conversationId, string originConnectionId)
    {
        var focus = new FocusEvent(conversationId, originConnectionId);
        Push(ClientEventNames.Focus, focus, except: originConnectionId);
        return Task.CompletedTask;
    }

    public Task<UserStateView> GetState() => Task.FromResult(new UserStateView(
        Profile(),
        State.Status,
        PublicPresence().Status,
        State.LastSeenAt,
        [.. _connections.Values.Select(c => new ConnectionView(c.ConnectionId, c.GatewayId, c.Device, c.RefreshedAt))],
        [.. State.Conversations.Values.Select(c => new ConversationCursorView(c.ConversationId, c.Kind, c.Title, c.LastSeq, c.ReadSeq, c.Unread))],
        TotalUnread,
        [.. State.Contacts],
        [.. State.Blocked],
        State.Offline.Count,
        State.OfflineOverflowed));

    /// <summary>
    /// An activation for an id with no stored record and no connection holds nothing anyone needs: let it go as soon
    /// as this call ends, so asking about random ids (presence, profiles) leaves no memory behind for 15 minutes.
    /// </summary>
    private void ForgetIfNobody()
    {
        if (!_state.RecordExists && _connections.Count == 0 && !_dirty) DeactivateOnIdle();
    }

    private UserProfile Profile() => new(UserId, State.DisplayName ?? UserId, State.AvatarUrl, State.Role ?? "user");

    private async Task ChangeList(List<string> list, string userId, bool add)
    {
        if (string.IsNullOrWhiteSpace(userId) || userId == UserId) throw ChatException.Invalid("That user id cannot be used here.");
        var changed = add ? !list.Contains(userId) : list.Remove(userId);
        if (!changed) return;
        if (add && list.Count >= _options.MaxContacts) throw ChatException.Invalid($"A user keeps at most {_options.MaxContacts} contacts and {_options.MaxContacts} blocked users.");
        if (add) list.Add(userId);
        await SaveAsync();
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!_state.RecordExists || State.Listed || State.Role is null) return;
        await _directory.RecordAsync(Profile(), IsListed, cancellationToken);
        State.Listed = true;
        _dirty = true;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _gatewayIndex.Remove(UserId);
        if (_dirty) await SaveAsync();
    }

    /// <summary>Writes the state; every write also carries any deferred delivery bookkeeping.</summary>
    private async Task SaveAsync()
    {
        await _state.WriteStateAsync();
        _dirty = false;
    }

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);

    private IConversationGrain Conversation(string conversationId) => GrainFactory.GetGrain<IConversationGrain>(conversationId);
}
