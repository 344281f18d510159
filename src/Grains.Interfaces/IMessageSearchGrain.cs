using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// Word search in the messages of a user's conversations (SQLite FTS5 or PostgreSQL full-text search beside the log).
/// A stateless worker: use key 0.
/// </summary>
[Alias("im.IMessageSearchGrain")]
public interface IMessageSearchGrain : IGrainWithIntegerKey
{
    /// <summary>Hits newest first as <paramref name="userId"/> sees them; invalid for a bad cursor, forbidden/not_found for a named conversation the user is not in.</summary>
    [ReadOnly] [Alias("Search")] Task<MessageSearchPage> Search(string userId, MessageSearchQuery query);
}
