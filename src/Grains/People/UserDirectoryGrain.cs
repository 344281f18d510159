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
}
