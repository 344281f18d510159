using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>One action of an agent, supervisor, operator or the desk itself, as the audit log keeps it.</summary>
/// <param name="Id">Assigned by the log on append (0 before); grows with append order, so it is the paging cursor.</param>
/// <param name="At">When the action happened, by the acting grain's clock.</param>
/// <param name="Actor">User id of who acted, or <see cref="AuditActors.System"/> for the desk's own decisions.</param>
/// <param name="DeskId">The desk the action belongs to; empty for an agent's own actions that concern no one desk (status).</param>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="Target">What was acted on: a conversation, an agent or a visitor id.</param>
/// <param name="Details">Free text: the new status, the agent assigned, a reason.</param>
[GenerateSerializer, Immutable, Alias("im.AuditEntry")]
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string DeskId, string Action, string Target, string? Details);

/// <summary>
/// A page of the audit log, newest first: entries of <paramref name="DeskId"/> and/or <paramref name="Actor"/> (null
/// = any) with <paramref name="From"/> ≤ At &lt; <paramref name="To"/>, appended before <paramref name="BeforeId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.AuditQuery")]
public sealed record AuditQuery(string? DeskId = null, string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? BeforeId = null, int Limit = 50)
{
    public const int MaxLimit = 500;
}

/// <summary>Entries newest first, and the <see cref="AuditQuery.BeforeId"/> of the next page (null when this was the last).</summary>
[GenerateSerializer, Immutable, Alias("im.AuditPage")]
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? NextBeforeId);

/// <summary>The actions the audit log records (issue 10, item 11); more join as the desk features land.</summary>
public static class AuditActions
{
    public const string Status = "status";
    public const string Assign = "assign";
    public const string NoAnswer = "no_answer";
    public const string Block = "block";
    public const string Unblock = "unblock";
    public const string TakeOver = "take_over";
    public const string DeskChanged = "desk_changed";
    public const string QuickReplies = "quick_replies";
    public const string Transfer = "transfer";
    public const string Ticket = "ticket";
    public const string TakeTicket = "take_ticket";
}

/// <summary>Actors that are not users.</summary>
public static class AuditActors
{
    /// <summary>The desk itself: assignments and no-answer requeues are its decisions.</summary>
    public const string System = "system";
}

/// <summary>Reads the audit log for supervisors and operators; any silo answers (the log is a database table).</summary>
[Alias("im.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithIntegerKey
{
    [ReadOnly] [Alias("Query")] Task<AuditPage> Query(AuditQuery query);
}
