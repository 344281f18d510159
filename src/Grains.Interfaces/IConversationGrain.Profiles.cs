using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Member profiles kept in the conversation (ConversationGrain.Profiles.cs), so views carry names and avatars.</summary>
public partial interface IConversationGrain
{
    /// <summary>A member changed their display name or avatar: the members' views of the conversation are updated.</summary>
    [OneWay] [Alias("MemberProfileChanged")] Task MemberProfileChanged(ProfileEvent profile);
}
