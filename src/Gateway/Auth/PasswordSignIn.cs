using Im.Orleans.Gateway.Accounts;

namespace Im.Orleans.Gateway.Auth;

/// <summary>Checks a user id and password with the same work whether or not the id exists.</summary>
internal sealed class PasswordSignIn(IAccountStore accounts, PasswordHasher hasher)
{
    /// <summary>The account when the password is right; null for a wrong password, an unknown id or a malformed id alike.</summary>
    public async Task<Account?> CheckAsync(string userId, string password, CancellationToken cancellationToken)
    {
        var account = UserIdRules.IsValid(userId) ? await accounts.FindAsync(userId, cancellationToken) : null;
        // No account: the hasher checks against a dummy hash of the same cost, so timing does not tell ids apart.
        return await hasher.VerifyAsync(password, account?.Password, cancellationToken) ? account : null;
    }
}
