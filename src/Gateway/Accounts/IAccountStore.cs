namespace Im.Orleans.Gateway.Accounts;

/// <summary>Registered accounts, keyed by user id.</summary>
public interface IAccountStore
{
    /// <summary>Adds the account; false when the id is taken (the database's unique key decides, so concurrent registrations cannot both win).</summary>
    Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken);

    Task<Account?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the role of an account that has <paramref name="fromRole"/> to <paramref name="toRole"/> (a desk listing a
    /// user makes them an agent); false when there is no such account or it has another role. Takes effect at the next sign-in.
    /// </summary>
    Task<bool> ChangeRoleAsync(string userId, string fromRole, string toRole, CancellationToken cancellationToken);

    /// <summary>Throws when the database cannot be reached (the readiness probe).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
