namespace Im.Orleans.Grains.Options;

/// <summary>Connection expiry and cap, and offline queue bounds of user grains, bound from "Chat:Users".</summary>
public sealed class UserOptions
{
    public const string Section = "Chat:Users";

    /// <summary>A connection not refreshed by its gateway within this time is considered gone (the gateway died).</summary>
    public TimeSpan ConnectionExpiry { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often expired connections are swept, and deferred unread bookkeeping saved, while the user has connections.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a delivery that arrived ahead of a missing seq waits for it before the user grain reads the gap from
    /// the log: Orleans may reorder one-way calls by milliseconds, and loses them when a silo dies.
    /// </summary>
    public TimeSpan DeliveryGapWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest delivery gap replayed from the log; a larger one (state that lagged a crash) is only counted, and devices Sync.</summary>
    public int MaxGapReplay { get; set; } = 200;

    /// <summary>The most messages kept for a user with no live connection; beyond it the oldest go and the client must Sync.</summary>
    public int OfflineQueueLimit { get; set; } = 1000;

    /// <summary>The most contacts, and separately the most blocked users, one user may keep (presence goes to every contact).</summary>
    public int MaxContacts { get; set; } = 1000;

    /// <summary>
    /// The most live connections one user may hold across all gateways; Connect beyond it is refused rate_limited. Twenty
    /// covers a person's tabs and devices plus connections of a flapping network that linger until the gateway's
    /// client timeout (30 s) ends them, while one token can no longer hold thousands of a gateway's sockets.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 20;
}
