namespace Im.Orleans.Grains;

/// <summary>The "sync" event: the client must call Sync from its cursors (Reason says why, e.g. offline_overflow).</summary>
[GenerateSerializer, Immutable, Alias("im.SyncEvent")]
public sealed record SyncEvent(string Reason)
{
    /// <summary>The bounded offline queue dropped its oldest entries while every device was away.</summary>
    public const string OfflineOverflow = "offline_overflow";
}

/// <summary>The "profile" event: a contact or conversation peer changed their display name or avatar.</summary>
[GenerateSerializer, Immutable, Alias("im.ProfileEvent")]
public sealed record ProfileEvent(string UserId, string DisplayName, string? AvatarUrl);
