namespace Im.Orleans.Grains.Options;

/// <summary>Connection expiry and offline queue bounds of user grains, bound from "Chat:Users".</summary>
public sealed class UserOptions
{
    public const string Section = "Chat:Users";

    /// <summary>A connection not refreshed by its gateway within this time is considered gone (the gateway died).</summary>
    public TimeSpan ConnectionExpiry { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often expired connections are swept, and deferred unread bookkeeping saved, while the user has connections.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most messages kept for a user with no live connection; beyond it the oldest go and the client must Sync.</summary>
    public int OfflineQueueLimit { get; set; } = 1000;
}
