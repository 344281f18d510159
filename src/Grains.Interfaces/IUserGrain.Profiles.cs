using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Profiles as people see them (UserGrain.Profiles.cs): change one's own, read others', the block list.</summary>
public partial interface IUserGrain
{
    /// <summary>Changes the caller's own profile and tells contacts and conversation peers (`profile`) when it changed.</summary>
    [Alias("UpdateProfile")] Task<ProfileView> UpdateProfile(ProfileChange change);

    /// <summary>The profile as others see it, or null for an id nobody created. Interleaves like FindProfile.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("FindProfileView")] Task<ProfileView?> FindProfileView();

    /// <summary>The ids this user blocked.</summary>
    [ReadOnly] [Alias("Blocked")] Task<IReadOnlyList<string>> Blocked();

    /// <summary>A contact or conversation peer changed their profile: relayed to the user's devices.</summary>
    [OneWay] [Alias("PushProfile")] Task PushProfile(ProfileEvent profile);
}
