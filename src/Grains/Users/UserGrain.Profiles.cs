namespace Im.Orleans.Grains.Users;

/// <summary>
/// The profile as people see it: SetProfile's changes go to the directory (people search), to the user's
/// conversations (member names and avatars in views) and as `profile` to contacts and conversation peers.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    public async Task<ProfileView> UpdateProfile(ProfileChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!Exists) throw ChatException.NotFound($"There is no user {UserId}.");
        var name = change.DisplayName?.Trim();
        if (name is not null && (name.Length == 0 || name.Length > MaxDisplayNameLength))
            throw ChatException.Invalid($"A display name needs 1 to {MaxDisplayNameLength} characters.");

        var before = ProfileView();
        if (name is not null) State.DisplayName = name;
        if (change.AvatarUrl is not null) State.AvatarUrl = change.AvatarUrl.Length == 0 ? null : change.AvatarUrl;
        if (change.Listed is { } listed) State.Unlisted = !listed;
        var after = ProfileView();
        if (after == before) return after;

        // The directory first: a failure after it only records the same row again on the next change.
        await _directory.RecordAsync(Profile(), after.Listed);
        State.Listed = true;
        await SaveAsync();
        if (after.DisplayName != before.DisplayName || after.AvatarUrl != before.AvatarUrl) AnnounceProfile();
        return after;
    }

    public Task<ProfileView?> FindProfileView()
    {
        ForgetIfNobody();
        return Task.FromResult(Exists ? ProfileView() : null);
    }

    public Task<IReadOnlyList<string>> Blocked() => Task.FromResult<IReadOnlyList<string>>([.. State.Blocked]);

    public Task PushProfile(ProfileEvent profile)
    {
        Push(ClientEventNames.Profile, profile);
        return Task.CompletedTask;
    }

    // Every sign-in path stores a role and a name, so a grain with neither is an id nobody created.
    private bool Exists => State.Role is not null || State.DisplayName is not null;

    /// <summary>In the people search: not opted out, and never a guest (guests are throwaway identities).</summary>
    private bool IsListed => !State.Unlisted && State.Role != ProfileRoles.Guest;

    private ProfileView ProfileView() => new(UserId, State.DisplayName ?? UserId, State.AvatarUrl, IsListed);

    /// <summary>
    /// One `profile` to each contact and conversation peer (the summaries know the members, so nobody gets it twice)
    /// and to the user's own devices; the conversations update the names and avatars their views carry. One-way.
    /// </summary>
    private void AnnounceProfile()
    {
        var profile = new ProfileEvent(UserId, State.DisplayName ?? UserId, State.AvatarUrl);
        Push(ClientEventNames.Profile, profile);
        var peers = State.Conversations.Values
            .SelectMany(c => c.Members.Select(m => m.UserId))
            .Concat(State.Contacts)
            .Where(id => id != UserId)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var peer in peers) _ = User(peer).PushProfile(profile);
        foreach (var conversationId in State.Conversations.Keys.ToList()) _ = Conversation(conversationId).MemberProfileChanged(profile);
    }
}
