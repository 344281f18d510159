namespace Im.Orleans.Grains.People;

/// <summary>
/// Every user id that got a profile, kept beside the message log: the one place that says whether an id exists
/// without activating its grain.
/// </summary>
internal interface IUserDirectory
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Adds or updates the user's entry; idempotent.</summary>
    Task RecordAsync(UserProfile profile, CancellationToken cancellationToken = default);

    /// <summary>The ids among <paramref name="userIds"/> that have an entry.</summary>
    Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);
}
