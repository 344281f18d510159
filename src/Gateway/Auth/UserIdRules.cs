using System.Text.RegularExpressions;

namespace Im.Orleans.Gateway.Auth;

/// <summary>
/// What a user id may look like: 3–64 of [A-Za-z0-9_.-@]. Ids are grain keys and appear inside direct-conversation
/// ids ("d:a:b"), so a colon or whitespace would make them ambiguous.
/// </summary>
public static partial class UserIdRules
{
    public const int MaxLength = 64;

    /// <summary>Registered accounts may not take the prefix guest ids use.</summary>
    public const string GuestPrefix = "guest-";

    public static bool IsValid(string? userId) => userId is not null && Pattern().IsMatch(userId);

    [GeneratedRegex("^[A-Za-z0-9_.@-]{3,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
