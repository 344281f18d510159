namespace Im.Orleans.Gateway.Accounts;

/// <summary>Registered accounts, keyed by user id.</summary>
public interface IAccountStore
{
    /// <summary>Adds the account; false when the id is taken (the database's unique key decides, so concurrent registrations cannot both win).</summary>
    Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken);

    Task<Account?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Throws when the database cannot be reached (the readiness probe).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
