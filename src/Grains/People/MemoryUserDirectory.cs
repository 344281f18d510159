using System.Collections.Concurrent;

namespace Im.Orleans.Grains.People;

/// <summary>The user directory in memory, beside the in-memory message store of tests.</summary>
internal sealed class MemoryUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<string, (UserProfile Profile, bool Listed)> _users = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordAsync(UserProfile profile, bool listed = true, CancellationToken cancellationToken = default)
    {
        _users[profile.UserId] = (profile, listed && profile.Role != ProfileRoles.Guest);
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<string>>(userIds.Where(_users.ContainsKey).ToHashSet(StringComparer.Ordinal));

    public Task<IReadOnlyList<ProfileView>> FindProfilesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProfileView>>([.. userIds.Distinct(StringComparer.Ordinal)
            .Where(_users.ContainsKey).Select(id => View(_users[id]))]);

    public Task<IReadOnlyList<ProfileView>> SearchAsync(string query, string excludeUserId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProfileView>>([.. _users.Values
            .Where(u => u.Listed && u.Profile.UserId != excludeUserId && NameKey.Matches(u.Profile.UserId, u.Profile.DisplayName, query))
            .OrderBy(u => u.Profile.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Profile.UserId, StringComparer.Ordinal)
            .Take(limit)
            .Select(View)]);

    private static ProfileView View((UserProfile Profile, bool Listed) user) =>
        new(user.Profile.UserId, user.Profile.DisplayName, user.Profile.AvatarUrl, user.Listed);
}
