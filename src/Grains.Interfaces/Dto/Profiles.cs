namespace Im.Orleans.Grains;

/// <summary>A user as others see them: display name, avatar and whether they are in the people search.</summary>
[GenerateSerializer, Immutable, Alias("im.ProfileView")]
public sealed record ProfileView(string UserId, string DisplayName, string? AvatarUrl, bool Listed);

/// <summary>
/// What SetProfile changes; a null field stays as it is. AvatarUrl "" removes the avatar; Listed is ignored for guests
/// (never listed).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.ProfileChange")]
public sealed record ProfileChange(string? DisplayName, string? AvatarUrl, bool? Listed);

/// <summary>The role a guest's profile carries (the gateway's sign-in roles; guests are never listed).</summary>
public static class ProfileRoles
{
    public const string Guest = "guest";
}

/// <summary>A page of message search hits, newest first; Next is the opaque cursor for the following page, or null.</summary>
[GenerateSerializer, Immutable, Alias("im.MessageSearchPage")]
public sealed record MessageSearchPage(IReadOnlyList<Message> Hits, string? Next);

/// <summary>A message search: all the words of Query, in one conversation or all of the caller's, before the Before cursor.</summary>
[GenerateSerializer, Immutable, Alias("im.MessageSearchQuery")]
public sealed record MessageSearchQuery(string Query, string? ConversationId, string? Before, int Limit);
