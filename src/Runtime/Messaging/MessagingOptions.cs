namespace Im.Orleans.Configuration;

/// <summary>Grain call settings, bound from configuration section "Orleans:Messaging".</summary>
public sealed class MessagingOptions
{
    /// <summary>How long a caller waits for a response before it gets a <see cref="TimeoutException"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often outstanding calls are checked against their deadline.</summary>
    public TimeSpan ResponseTimeoutCheckPeriod { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many times a message may be re-routed after its activation went away before it fails.</summary>
    public int MaxForwardCount { get; set; } = 4;
}
