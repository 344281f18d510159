using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Desks;

/// <summary>
/// Registered users a desk lists (as agent or supervisor) become agents in the account store, so their next sign-in
/// carries the role the staff hub methods need. Only the role user is raised: operators stay operators, and guests and
/// host-minted users have no account (the host sets their role in the token it mints).
/// </summary>
internal static class StaffRoles
{
    public static async Task PromoteAsync(IAccountStore accounts, DeskSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var userId in settings.Agents.Union(settings.Supervisors, StringComparer.Ordinal))
        {
            try
            {
                if (await accounts.ChangeRoleAsync(userId, ChatRoles.User, ChatRoles.Agent, cancellationToken))
                    logger.LogInformation("Account {UserId} is now an agent (listed by a desk)", userId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The desk is configured; the role follows at the next PUT that lists the user.
                logger.LogError(e, "Could not make {UserId} an agent", userId);
            }
        }
    }
}
