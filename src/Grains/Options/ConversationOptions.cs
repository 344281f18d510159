namespace Im.Orleans.Grains.Options;

/// <summary>Limits and caches of conversation grains, bound from "Chat:Conversations".</summary>
public sealed class ConversationOptions
{
    public const string Section = "Chat:Conversations";

    /// <summary>The most members a group may have.</summary>
    public int MaxGroupMembers { get; set; } = 500;

    /// <summary>The longest message text, in UTF-16 code units.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>The longest group title.</summary>
    public int MaxTitleLength { get; set; } = 200;

    /// <summary>How long after sending a sender may recall a message.</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after sending a sender may edit a text message; zero means no limit.</summary>
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The emoji members may react with, separated by spaces. A string rather than a list: configuration binding adds a
    /// configured list to a default one instead of replacing it.
    /// </summary>
    public string Reactions { get; set; } = "👍 ❤️ 😂 😮 😢 🙏";

    /// <summary>The most seqs one DeleteForMe may name.</summary>
    public int MaxDeleteBatch { get; set; } = 100;

    /// <summary>How many recent messages a conversation keeps in memory for History/Since/counting without the store.</summary>
    public int RecentMessages { get; set; } = 200;

    /// <summary>How many recent clientMsgIds a conversation remembers so most retries are answered without the store.</summary>
    public int RecentClientMsgIds { get; set; } = 2000;

    /// <summary>The most messages written by one append; more queued sends go in the next one.</summary>
    public int MaxAppendBatch { get; set; } = 256;

    /// <summary>
    /// The most stored messages waiting for one member's user grain while an earlier delivery is unanswered; past it the
    /// oldest are dropped and the user grain reads them from the log.
    /// </summary>
    public int MaxQueuedDeliveries { get; set; } = 2000;

    /// <summary>
    /// A member's Typing reaches the others at most once per this interval; calls in between are accepted and dropped
    /// (an indicator, not a message), so a flooding client cannot multiply events by the group's size.
    /// </summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most messages one History or Since call returns.</summary>
    public int MaxPageSize { get; set; } = 200;
}
