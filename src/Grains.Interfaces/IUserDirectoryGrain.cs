using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// Questions about many users at once, answered from the user directory (every id that got a profile) so ids
/// nobody created cost a row lookup, not a grain activation. A stateless worker: use key 0.
/// </summary>
[Alias("im.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>One presence per distinct id, in the order asked; ids nobody created are offline with no last-seen time.</summary>
    [ReadOnly] [Alias("GetPresence")] Task<IReadOnlyList<PresenceView>> GetPresence(IReadOnlyList<string> userIds);

    /// <summary>One profile per distinct known id, in the order asked; ids nobody created are left out.</summary>
    [ReadOnly] [Alias("GetProfiles")] Task<IReadOnlyList<ProfileView>> GetProfiles(IReadOnlyList<string> userIds);

    /// <summary>The people search: listed users (never guests, never the caller) by display-name word or id prefix.</summary>
    [ReadOnly] [Alias("SearchUsers")] Task<IReadOnlyList<ProfileView>> SearchUsers(string callerId, string query, int limit);
}
