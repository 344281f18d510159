namespace Im.Orleans.Grains.Conversations;

/// <summary>Creating conversations and changing their members, roles and mutes.</summary>
internal sealed partial class ConversationGrain : Grain
{
    public async Task<ConversationView> OpenDirect(string userId, string peerUserId)
    {
        if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrWhiteSpace(peerUserId) || userId == peerUserId)
            throw ChatException.Invalid("A direct conversation needs two different users.");
        if (ConversationIds.Direct(userId, peerUserId) != Id)
            throw ChatException.Invalid($"{Id} is not the direct conversation of {userId} and {peerUserId}.");
        if (State.Exists) return ViewFor(userId);

        var profiles = await LookUpProfilesAsync([peerUserId], creator: userId);
        var now = Now();
        State.Exists = true;
        State.Kind = ConversationKinds.Direct;
        State.Title = "";
        State.CreatedAt = now;
        State.Members = [new MemberState { UserId = userId, JoinedAt = now }, new MemberState { UserId = peerUserId, JoinedAt = now }];
        FillDisplayNames(profiles);
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        return ViewFor(userId);
    }

    public async Task<ConversationView> CreateGroup(string ownerId, string title, IReadOnlyList<string> memberIds)
    {
        if (string.IsNullOrWhiteSpace(ownerId)) throw ChatException.Invalid("A group needs an owner.");
        if (string.IsNullOrWhiteSpace(title)) throw ChatException.Invalid("A group needs a title.");
        if (title.Length > _options.MaxTitleLength) throw ChatException.Invalid($"The title is longer than {_options.MaxTitleLength} characters.");
        if (Id.StartsWith("d:", StringComparison.Ordinal)) throw ChatException.Invalid($"{Id} is a direct conversation id.");
        if (State.Exists) throw ChatException.Conflict($"Conversation {Id} already exists.");
        var others = CleanIds(memberIds).Where(id => id != ownerId).ToList();
        if (others.Count + 1 > _options.MaxGroupMembers) throw ChatException.Conflict($"A group has at most {_options.MaxGroupMembers} members.");

        var profiles = await LookUpProfilesAsync(others, creator: ownerId);
        var now = Now();
        State.Exists = true;
        State.Kind = ConversationKinds.Group;
        State.Title = title.Trim();
        State.CreatedAt = now;
        State.Members = [new MemberState { UserId = ownerId, Role = MemberRoles.Owner, JoinedAt = now }, .. others.Select(id => new MemberState { UserId = id, JoinedAt = now })];
        FillDisplayNames(profiles);
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        return ViewFor(ownerId);
    }

    public async Task<ConversationView> AddMembers(string actorId, IReadOnlyList<string> userIds)
    {
        RequireManager(actorId);
        var added = CleanIds(userIds).Where(id => FindMember(id) is null).ToList();
        if (added.Count == 0) return ViewFor(actorId);
        if (State.Members.Count + added.Count > _options.MaxGroupMembers) throw ChatException.Conflict($"A group has at most {_options.MaxGroupMembers} members.");
        var profiles = await LookUpProfilesAsync(added);
        var now = Now();
        State.Members.AddRange(added.Select(id => new MemberState { UserId = id, JoinedAt = now }));
        FillDisplayNames(profiles);
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        await WriteSystemAsync(actorId, new SystemNote(SystemActions.Joined, actorId, added));
        return ViewFor(actorId);
    }

    public async Task<ConversationView> RemoveMember(string actorId, string userId)
    {
        var actor = RequireManager(actorId);
        var target = FindMember(userId) ?? throw ChatException.NotFound($"{userId} is not a member of {Id}.");
        if (target.UserId == actorId) throw ChatException.Invalid("Use Leave to leave a group.");
        if (!Outranks(actor, target)) throw ChatException.Forbidden($"{actorId} may not remove {userId}.");
        await RemoveAsync(target, actorId);
        await WriteSystemAsync(actorId, new SystemNote(SystemActions.Removed, actorId, [userId]));
        return ViewFor(actorId);
    }

    public async Task<ConversationView> Leave(string userId)
    {
        var member = RequireMember(userId);
        if (State.Kind != ConversationKinds.Group) throw ChatException.Invalid("Only groups can be left.");
        if (member.Role == MemberRoles.Owner)
        {
            // A group keeps an owner: the longest-serving admin, else the longest-serving member, takes over.
            var heir = State.Members.Where(m => m != member).OrderBy(m => m.Role == MemberRoles.Admin ? 0 : 1).ThenBy(m => m.JoinedAt).FirstOrDefault();
            if (heir is not null) heir.Role = MemberRoles.Owner;
        }
        var view = await RemoveAsync(member, userId);
        await WriteSystemAsync(userId, new SystemNote(SystemActions.Left, userId, []));
        return view;
    }

    public async Task<ConversationView> SetRole(string actorId, string userId, string role)
    {
        var actor = RequireManager(actorId);
        if (actor.Role != MemberRoles.Owner) throw ChatException.Forbidden("Only the owner sets roles.");
        if (role is not (MemberRoles.Owner or MemberRoles.Admin or MemberRoles.Member)) throw ChatException.Invalid($"Unknown role '{role}'.");
        var target = FindMember(userId) ?? throw ChatException.NotFound($"{userId} is not a member of {Id}.");
        if (target == actor) throw ChatException.Invalid("The owner hands over ownership by making another member owner.");
        if (target.Role == role) return ViewFor(actorId);
        target.Role = role;
        if (role == MemberRoles.Owner) actor.Role = MemberRoles.Admin;
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        await WriteSystemAsync(actorId, new SystemNote(SystemActions.Role, actorId, [userId], Role: role));
        return ViewFor(actorId);
    }

    public async Task<ConversationView> SetMuted(string actorId, string userId, bool muted)
    {
        var actor = RequireManager(actorId);
        var target = FindMember(userId) ?? throw ChatException.NotFound($"{userId} is not a member of {Id}.");
        if (!Outranks(actor, target)) throw ChatException.Forbidden($"{actorId} may not mute {userId}.");
        if (target.Muted == muted) return ViewFor(actorId);
        target.Muted = muted;
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        await WriteSystemAsync(actorId, new SystemNote(muted ? SystemActions.Muted : SystemActions.Unmuted, actorId, [userId]));
        return ViewFor(actorId);
    }

    private async Task<ConversationView> RemoveAsync(MemberState member, string viewerId)
    {
        State.Members.Remove(member);
        await _state.WriteStateAsync();
        NotifyChanged([member.UserId], removed: true);
        NotifyChanged(MemberIds);
        return ViewFor(viewerId);
    }

    private MemberState RequireManager(string actorId)
    {
        var actor = RequireMember(actorId);
        if (State.Kind != ConversationKinds.Group) throw ChatException.Invalid("Only groups have managed members.");
        if (!actor.CanManage) throw ChatException.Forbidden($"{actorId} is neither owner nor admin of {Id}.");
        return actor;
    }

    // The owner may act on anyone else; an admin only on plain members.
    private static bool Outranks(MemberState actor, MemberState target) =>
        target.Role != MemberRoles.Owner && (actor.Role == MemberRoles.Owner || target.Role == MemberRoles.Member);

    private static List<string> CleanIds(IReadOnlyList<string>? ids)
    {
        if (ids is null) return [];
        if (ids.Any(string.IsNullOrWhiteSpace)) throw ChatException.Invalid("Member ids must not be empty.");
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }
}
