namespace Im.Orleans.Grains.Users;

/// <summary>What a user persists: profile, chosen presence, conversation summaries, contacts, blocks and the offline queue.</summary>
internal sealed partial class UserState
{
    public string? DisplayName { get; set; }
    public string? AvatarUrl { get; set; }
    public string? Role { get; set; }

    /// <summary>The profile is in the user directory (users from before the directory are added at activation).</summary>
    public bool Listed { get; set; }

    /// <summary>The status the user chose; others see offline while no device is connected or when invisible.</summary>
    public string Status { get; set; } = PresenceStatus.Online;
    public DateTimeOffset? LastSeenAt { get; set; }

    public Dictionary<string, ConversationSummary> Conversations { get; set; } = new(StringComparer.Ordinal);
    public List<string> Contacts { get; set; } = [];
    public List<string> Blocked { get; set; } = [];

    public List<OfflineEntry> Offline { get; set; } = [];
    public long NextOfflineId { get; set; }

    /// <summary>The bounded queue dropped messages since the last drain: the client must Sync from the log.</summary>
    public bool OfflineOverflowed { get; set; }

    /// <summary>The user's agent grain registered (TrackAgent): it is told when the last device disconnects.</summary>
    public bool IsAgent { get; set; }
}
