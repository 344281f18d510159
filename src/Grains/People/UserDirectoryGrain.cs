using Orleans.Concurrency;

namespace Im.Orleans.Grains.People;

/// <summary>Answers questions about many users from the directory, activating only the users that exist.</summary>
[GrainType("user-directory")]
[StatelessWorker]
internal sealed class UserDirectoryGrain(IUserDirectory directory) : Grain, IUserDirectoryGrain
{
    public async Task<IReadOnlyList<PresenceView>> GetPresence(IReadOnlyList<string> userIds)
    {
        var distinct = userIds.Distinct(StringComparer.Ordinal).ToList();
        var existing = await directory.FindExistingAsync(distinct);
        return await Task.WhenAll(distinct.Select(id => existing.Contains(id)
            ? GrainFactory.GetGrain<IUserGrain>(id).GetPresence()
            : Task.FromResult(new PresenceView(id, PresenceStatus.Offline, null))));
    }

    public async Task<IReadOnlyList<ProfileView>> GetProfiles(IReadOnlyList<string> userIds)
    {
        var found = (await directory.FindProfilesAsync(userIds)).ToDictionary(p => p.UserId, StringComparer.Ordinal);
        return [.. userIds.Distinct(StringComparer.Ordinal).Where(found.ContainsKey).Select(id => found[id])];
    }

    public Task<IReadOnlyList<ProfileView>> SearchUsers(string callerId, string query, int limit) =>
        directory.SearchAsync(query, callerId, limit);
}
