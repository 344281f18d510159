namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Hub settings ("Hub" section). Defaults match the official JS client (it pings every 15 s and gives up on a
/// silent server after 30 s): the server pings every 15 s and drops a client silent for 30 s. The client timeout
/// must be at least twice the keep-alive, or healthy clients get dropped between two pings.
/// </summary>
public sealed class ChatHubOptions
{
    public const string SectionName = "Hub";

    public int KeepAliveSeconds { get; set; } = 15;
    public int ClientTimeoutSeconds { get; set; } = 30;
    public long MaximumReceiveMessageSize { get; set; } = 64 * 1024;

    /// <summary>How many offline messages one TakeOffline call hands over while a connection drains its queue.</summary>
    public int OfflineBatchSize { get; set; } = 100;

    /// <summary>How often the gateway tells user grains its connections are still alive.</summary>
    public int ConnectionRefreshSeconds { get; set; } = 30;

    /// <summary>
    /// In a cluster, after the active silos change the gateway refreshes at once and again this much later: while
    /// views disagree a user grain may briefly run twice, and the copy that loses its ETag race forgets connections.
    /// </summary>
    public int ConnectionRefreshAfterChangeSeconds { get; set; } = 3;

    /// <summary>
    /// Hub calls one connection may make per second on average, and at once after a quiet spell: a token bucket per
    /// connection, so one flooding client is answered rate_limited without slowing anybody else.
    /// </summary>
    public double InvocationsPerSecond { get; set; } = 50;

    public int InvocationBurst { get; set; } = 100;

    public int MaxTextLength { get; set; } = 4000;
    public int MaxHistoryLimit { get; set; } = 200;
    public int MaxSyncLimit { get; set; } = 500;
    public int DefaultSyncLimit { get; set; } = 100;
    public int MaxSyncCursors { get; set; } = 1000;
    public int MaxGroupMembers { get; set; } = 500;
    public int MaxPresenceQuery { get; set; } = 200;
    public int MaxTitleLength { get; set; } = 100;

    /// <summary>Validation for ValidateOnStart: null when fine.</summary>
    public string? Validate() =>
        KeepAliveSeconds <= 0 ? "Hub:KeepAliveSeconds must be positive"
        : ClientTimeoutSeconds < 2 * KeepAliveSeconds ? "Hub:ClientTimeoutSeconds must be at least twice Hub:KeepAliveSeconds"
        : MaximumReceiveMessageSize < 1024 ? "Hub:MaximumReceiveMessageSize must be at least 1024"
        : OfflineBatchSize <= 0 || ConnectionRefreshSeconds <= 0 || ConnectionRefreshAfterChangeSeconds <= 0
            ? "Hub:OfflineBatchSize, Hub:ConnectionRefreshSeconds and Hub:ConnectionRefreshAfterChangeSeconds must be positive"
        : !(InvocationsPerSecond > 0) || InvocationBurst < 1 ? "Hub:InvocationsPerSecond must be positive and Hub:InvocationBurst at least 1"
        : null;
}
