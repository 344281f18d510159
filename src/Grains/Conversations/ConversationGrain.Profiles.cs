namespace Im.Orleans.Grains.Conversations;

/// <summary>Members' display names and avatars, as their user grains report changes.</summary>
internal sealed partial class ConversationGrain : Grain
{
    public async Task MemberProfileChanged(ProfileEvent profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!State.Exists)
        {
            DeactivateOnIdle();
            return;
        }
        var member = FindMember(profile.UserId);
        if (member is null || (member.DisplayName == profile.DisplayName && member.AvatarUrl == profile.AvatarUrl)) return;
        member.DisplayName = profile.DisplayName;
        member.AvatarUrl = profile.AvatarUrl;
        await _state.WriteStateAsync();
        // Every member's copy of the view (ListConversations) carries the new name; the user grain sent `profile` itself.
        NotifyChanged(MemberIds);
    }
}
