namespace Im.Orleans.Grains.People;

/// <summary>
/// Every user id that got a profile, kept beside the message log: the one place that says whether an id exists
/// without activating its grain, and the people search.
/// </summary>
internal interface IUserDirectory
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Adds or updates the user's entry; idempotent. Listed puts the user in <see cref="SearchAsync"/> (guests never are).</summary>
    Task RecordAsync(UserProfile profile, bool listed = true, CancellationToken cancellationToken = default);

    /// <summary>The ids among <paramref name="userIds"/> that have an entry.</summary>
    Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>The profiles of the ids that have an entry (unknown ids left out).</summary>
    Task<IReadOnlyList<ProfileView>> FindProfilesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Listed users other than <paramref name="excludeUserId"/> whose display name has a word starting with the query
    /// or whose id starts with it, case-insensitive, by name; at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<ProfileView>> SearchAsync(string query, string excludeUserId, int limit, CancellationToken cancellationToken = default);
}
