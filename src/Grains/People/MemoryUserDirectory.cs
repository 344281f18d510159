using System.Collections.Concurrent;

namespace Im.Orleans.Grains.People;

/// <summary>The user directory in memory, beside the in-memory message store of tests.</summary>
internal sealed class MemoryUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<string, UserProfile> _users = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordAsync(UserProfile profile, CancellationToken cancellationToken = default)
    {
        _users[profile.UserId] = profile;
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<string>>(userIds.Where(_users.ContainsKey).ToHashSet(StringComparer.Ordinal));
}
