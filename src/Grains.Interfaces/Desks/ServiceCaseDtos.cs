namespace Im.Orleans.Grains;

/// <summary>
/// A visitor's service chat seen as a case (issue 10): where it stands, its labels, who serves it, its timings and rating,
/// and who the visitor is. All instants are the current turn's (a reopened chat starts a new turn; labels stay).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.ServiceCase")]
public sealed record ServiceCase(
    string ConversationId,
    string DeskId,
    string VisitorId,
    VisitorCard Visitor,
    string Status,
    IReadOnlyList<string> Labels,
    string? AgentId,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? ResolvedAt,
    int? Rating,
    string? RatingComment,
    CaseTicket? Ticket);

/// <summary>Who the visitor is: the profile's name and the attributes the host system vouched for in its token request.</summary>
[GenerateSerializer, Immutable, Alias("im.VisitorCard")]
public sealed record VisitorCard(string DisplayName, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A message left while nobody could answer (LeaveMessage): who, how to reach them, when, and what they wrote.</summary>
[GenerateSerializer, Immutable, Alias("im.CaseTicket")]
public sealed record CaseTicket(string? Name, string? Contact, DateTimeOffset At, string? Text = null);

/// <summary>
/// A desk moved a chat (transfer to an agent or a desk, a ticket taken): it is now at <paramref name="DeskId"/>, served by
/// <paramref name="AgentId"/> or waiting there when null; <paramref name="Note"/> becomes a private note by <paramref name="ActorId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.CaseMove")]
public sealed record CaseMove(string DeskId, string? AgentId, string ActorId, string? Note, DateTimeOffset At);

/// <summary>A private note on a case: staff only, never in the conversation's message log.</summary>
[GenerateSerializer, Immutable, Alias("im.ServiceNote")]
public sealed record ServiceNote(string NoteId, string ConversationId, string AuthorId, string Text, DateTimeOffset At);

/// <summary>What one stored message tells the case: who wrote it, and when.</summary>
[GenerateSerializer, Immutable, Alias("im.CaseWrite")]
public sealed record CaseWrite(string SenderId, DateTimeOffset At);

/// <summary>Who acts on a case, as the hub established it from the token and the desk's lists.</summary>
/// <param name="UserId">The caller.</param>
/// <param name="Supervisor">A supervisor of the case's desk, or an operator (operators may do what supervisors do).</param>
[GenerateSerializer, Immutable, Alias("im.CaseActor")]
public sealed record CaseActor(string UserId, bool Supervisor);

/// <summary>The statuses of a service case.</summary>
public static class ServiceCaseStatus
{
    /// <summary>Waiting in a desk's queue.</summary>
    public const string Queued = "queued";

    /// <summary>Served, and the visitor waits for the agent.</summary>
    public const string Open = "open";

    /// <summary>The agent answered; waiting for the visitor.</summary>
    public const string Pending = "pending";

    public const string Resolved = "resolved";

    /// <summary>The visitor left a message while nobody could answer; not answered yet.</summary>
    public const string Ticket = "ticket";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Queued, Open, Pending, Resolved, Ticket };
}

/// <summary>Audit actions of service cases (beside <see cref="AuditActions"/>).</summary>
public static class CaseAuditActions
{
    public const string Resolve = "resolve";
    public const string CaseStatus = "case_status";
    public const string Labels = "labels";
}

/// <summary>A desk's supervisor board: the live queue, the agents, and today's figures.</summary>
[GenerateSerializer, Immutable, Alias("im.DeskBoard")]
public sealed record DeskBoard(
    string DeskId,
    int QueueLength,
    long LongestWaitSeconds,
    IReadOnlyList<BoardWaiting> Queue,
    IReadOnlyList<BoardAgent> Agents,
    DayFigures Today,
    IReadOnlyList<AgentDayFigures> AgentsToday);

/// <summary>A waiting conversation on the board.</summary>
[GenerateSerializer, Immutable, Alias("im.BoardWaiting")]
public sealed record BoardWaiting(string ConversationId, string VisitorId, long WaitingSeconds);

/// <summary>An agent of the desk on the board.</summary>
[GenerateSerializer, Immutable, Alias("im.BoardAgent")]
public sealed record BoardAgent(string AgentId, string DisplayName, string Status, int Capacity, int Load);

/// <summary>
/// A day's figures of a desk: chats resolved, the mean first response (queued → the agent's first reply) and handle time
/// (assigned → resolved) in whole seconds (null without samples), and the mean rating of that day's chats.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.DayFigures")]
public sealed record DayFigures(string Date, int ChatsHandled, long? AvgFirstResponseSeconds, long? AvgHandleSeconds, double? Csat, int Ratings);

/// <summary>One agent's figures of a day (the agent who resolved each chat).</summary>
[GenerateSerializer, Immutable, Alias("im.AgentDayFigures")]
public sealed record AgentDayFigures(string AgentId, int ChatsHandled, long? AvgFirstResponseSeconds, long? AvgHandleSeconds, double? Csat, int Ratings);

/// <summary>
/// What a resolved chat adds to its day (the local date of resolution in the desk's time zone): the resolving agent, and
/// the first response and handle times when known.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.ResolvedChat")]
public sealed record ResolvedChat(string ConversationId, string Date, string AgentId, TimeSpan? FirstResponse, TimeSpan? Handle);

/// <summary>A case's entry in its desk's index, for listing by status and label.</summary>
[GenerateSerializer, Immutable, Alias("im.CaseSummary")]
public sealed record CaseSummary(string ConversationId, string Status, IReadOnlyList<string> Labels, DateTimeOffset UpdatedAt);

/// <summary>A day's figures of a desk and of each agent who resolved chats that day.</summary>
[GenerateSerializer, Immutable, Alias("im.DeskDayFigures")]
public sealed record DeskDayFigures(DayFigures Desk, IReadOnlyList<AgentDayFigures> Agents);

/// <summary>The rules for visitor attributes a host system passes with POST /api/auth/token.</summary>
public static class VisitorAttributes
{
    public const int MaxCount = 20;
    public const int MaxKeyLength = 40;
    public const int MaxValueLength = 200;

    /// <summary>Why the attributes are refused, or null when they are fine.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null) return null;
        if (attributes.Count > MaxCount) return $"attributes may hold at most {MaxCount} entries";
        foreach (var (key, value) in attributes)
        {
            if (key.Length is 0 or > MaxKeyLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                return $"attribute keys must be 1-{MaxKeyLength} characters of A-Z a-z 0-9 _";
            if (value is null) return $"attribute {key} needs a value";
            if (value.Length > MaxValueLength || value.Any(char.IsControl)) return $"attribute {key} must be at most {MaxValueLength} characters without control characters";
        }
        return null;
    }
}
