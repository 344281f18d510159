namespace Im.Orleans.Grains;

/// <summary>What others see of a user's presence; invisible users appear offline.</summary>
[GenerateSerializer, Immutable, Alias("im.PresenceView")]
public sealed record PresenceView(string UserId, string Status, DateTimeOffset? LastSeenAt);

/// <summary>Presence statuses. A user may set online, away, busy or invisible; offline is derived.</summary>
public static class PresenceStatus
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Busy = "busy";
    public const string Invisible = "invisible";
    public const string Offline = "offline";

    public static readonly IReadOnlySet<string> Settable = new HashSet<string>(StringComparer.Ordinal) { Online, Away, Busy, Invisible };
}

/// <summary>A user's profile.</summary>
[GenerateSerializer, Immutable, Alias("im.UserProfile")]
public sealed record UserProfile(string UserId, string DisplayName, string? AvatarUrl, string Role);
