namespace Im.Orleans.Grains;

/// <summary>A desk's settings: who works it, and how it routes waiting visitors to agents.</summary>
/// <param name="Name">What visitors and agents see.</param>
/// <param name="Agents">User ids of the agents who take chats from this desk.</param>
/// <param name="Supervisors">User ids who oversee the desk (they take no chats unless also agents).</param>
/// <param name="AgentCapacity">Concurrent chats of an agent who set no capacity of their own.</param>
/// <param name="NoAnswerTimeout">How long an assigned agent may leave the visitor unanswered before the chat is queued again; zero = never.</param>
/// <param name="StickyWindow">How long after serving a visitor an agent is preferred for that visitor's next chat.</param>
/// <param name="Hours">When the desk is open; null = always.</param>
/// <param name="Greeting">What the widget shows a visitor while the desk is open and an agent is online; null = nothing.</param>
/// <param name="AwayMessage">What the widget shows out of hours or with nobody online, above leave-a-message; null = a default.</param>
/// <param name="Labels">The labels agents may put on this desk's service chats.</param>
/// <param name="QuickReplies">The desk's canned answers, offered to every agent of the desk.</param>
/// <param name="ReopenWindow">How long after a chat was resolved a visitor writing again reopens it with the same agent (if free).</param>
[GenerateSerializer, Immutable, Alias("im.DeskSettings")]
public sealed record DeskSettings(
    string Name,
    IReadOnlyList<string> Agents,
    IReadOnlyList<string> Supervisors,
    int AgentCapacity,
    TimeSpan NoAnswerTimeout,
    TimeSpan StickyWindow,
    BusinessHours? Hours = null,
    string? Greeting = null,
    string? AwayMessage = null,
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<QuickReply>? QuickReplies = null,
    TimeSpan? ReopenWindow = null);

/// <summary>A canned answer: the agent types <see cref="Shortcut"/> (after a slash) to insert <see cref="Text"/>, whose {placeholders} are filled from the visitor's attributes.</summary>
[GenerateSerializer, Immutable, Alias("im.QuickReply")]
public sealed record QuickReply(string Shortcut, string Text);

/// <summary>A service conversation waiting in a desk's queue.</summary>
[GenerateSerializer, Immutable, Alias("im.QueuedChat")]
public sealed record QueuedChat(string ConversationId, string VisitorId, DateTimeOffset EnqueuedAt);

/// <summary>
/// Where a service conversation stands in a desk: waiting at <see cref="Position"/> (1 = next) with an
/// <see cref="Eta"/> (null = unknown), or served by <see cref="AgentId"/>; both null once the desk no longer holds it.
/// <see cref="Stamp"/> orders tickets of one desk: a later answer or push has a greater stamp (0 = unordered).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.QueueTicket")]
public sealed record QueueTicket(string ConversationId, int? Position, TimeSpan? Eta, string? AgentId, long Stamp = 0)
{
    public bool IsWaiting => Position is not null;
}

/// <summary>A desk as its board sees it: settings, the queue in order and which agent serves which conversation.</summary>
[GenerateSerializer, Immutable, Alias("im.DeskView")]
public sealed record DeskView(
    string DeskId,
    DeskSettings Settings,
    IReadOnlyList<QueuedChat> Queue,
    IReadOnlyDictionary<string, string> Assigned,
    TimeSpan? AverageHandleTime);

/// <summary>Agent statuses; only <see cref="Online"/> agents with a free slot are given chats.</summary>
public static class AgentStatus
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Busy = "busy";
    public const string Offline = "offline";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Online, Away, Busy, Offline };
}

/// <summary>An agent's status and load, as the agent grain (the authority on it) last knew them.</summary>
[GenerateSerializer, Immutable, Alias("im.AgentLoad")]
public sealed record AgentLoad(string AgentId, string Status, int Capacity, IReadOnlyList<string> Chats)
{
    public int Free => Math.Max(0, Capacity - Chats.Count);

    public bool TakesChats => Status == AgentStatus.Online && Free > 0;
}

/// <summary>An agent's answer to a desk's offer: whether it now holds the chat, and its load after answering.</summary>
[GenerateSerializer, Immutable, Alias("im.OfferReply")]
public sealed record OfferReply(bool Accepted, AgentLoad Load);
