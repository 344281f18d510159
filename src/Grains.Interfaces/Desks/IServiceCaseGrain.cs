using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// A visitor's service chat as a case (key: the service conversation id): status, labels, timings, rating and private
/// notes. The desk and the conversation tell it what happens (one-way); it calls nobody back but one-way (the desk to
/// reopen, the desk's case index), so none of these calls can deadlock. Access checks that need the desk's lists are
/// the hub's; the grain checks what it knows (the assigned agent, the visitor).
/// </summary>
[Alias("im.IServiceCaseGrain")]
public interface IServiceCaseGrain : IGrainWithStringKey
{
    /// <summary>The case; not_found until a desk queued, served or ticketed the chat.</summary>
    [ReadOnly] [Alias("Get")] Task<ServiceCase> Get();

    /// <summary>The assigned agent or a supervisor sets open or pending (resolving goes through the desk).</summary>
    [Alias("SetStatus")] Task<ServiceCase> SetStatus(CaseActor actor, string status);

    /// <summary>Replaces the labels; each must be one of <paramref name="allowed"/> (the desk's), invalid otherwise.</summary>
    [Alias("SetLabels")] Task<ServiceCase> SetLabels(CaseActor actor, IReadOnlyList<string> labels, IReadOnlyList<string> allowed);

    /// <summary>A private note (staff only; the hub checks); pushed as "note" to the assigned agent and the author.</summary>
    [Alias("AddNote")] Task<ServiceNote> AddNote(string authorId, string text);

    /// <summary>The notes, oldest first.</summary>
    [ReadOnly] [Alias("ListNotes")] Task<IReadOnlyList<ServiceNote>> ListNotes();

    /// <summary>The visitor rates a resolved chat 1–5 (again replaces); conflict unless resolved, forbidden for anyone else.</summary>
    [Alias("Rate")] Task<ServiceCase> Rate(string visitorId, int rating, string? comment);

    /// <summary>The desk queued the chat at <paramref name="at"/> (a new turn unless one is going on).</summary>
    [OneWay] [Alias("Queued")] Task Queued(string deskId, DateTimeOffset at);

    /// <summary>The conversation: <paramref name="agentId"/> joined as the assigned agent.</summary>
    [OneWay] [Alias("Assigned")] Task Assigned(string agentId, DateTimeOffset at);

    /// <summary>
    /// The desk: the chat was finished by its agent; <paramref name="timeZone"/> (the desk's, null = UTC) dates it for the
    /// figures. Awaited by the desk, so FinishServiceChat's caller reads the case resolved.
    /// </summary>
    [Alias("Resolved")] Task Resolved(string deskId, string agentId, DateTimeOffset at, string? timeZone);

    /// <summary>The conversation stored these messages, in order.</summary>
    [OneWay] [Alias("MessagesStored")] Task MessagesStored(IReadOnlyList<CaseWrite> writes);

    /// <summary>The visitor left a message nobody could answer (status ticket until an agent takes it).</summary>
    [Alias("Ticketed")] Task Ticketed(string deskId, CaseTicket ticket);

    /// <summary>
    /// The desk moved the chat (a transfer, a ticket taken). Awaited by the desk before the chat changes hands, so the
    /// case names the serving desk and agent when the desk answers, and a later report of the assignment is no news.
    /// </summary>
    [Alias("Moved")] Task Moved(CaseMove move);
}

/// <summary>
/// A desk's index of its cases and its daily figures (key: desk id), fed one-way by the case grains; it awaits case
/// grains when listing, which never await it.
/// </summary>
[Alias("im.IDeskCasesGrain")]
public interface IDeskCasesGrain : IGrainWithStringKey
{
    [OneWay] [Alias("CaseChanged")] Task CaseChanged(CaseSummary summary);

    /// <summary>The case moved to another desk at <paramref name="at"/>: it leaves this index (a later report re-adds it).</summary>
    [OneWay] [Alias("CaseLeft")] Task CaseLeft(string conversationId, DateTimeOffset at);

    [OneWay] [Alias("ChatResolved")] Task ChatResolved(ResolvedChat chat);

    /// <summary>A rating of a chat resolved on <paramref name="date"/>; <paramref name="previous"/> is the rating it replaces.</summary>
    [OneWay] [Alias("ChatRated")] Task ChatRated(string date, string agentId, int rating, int? previous);

    /// <summary>Cases newest first (last change), filtered by status and label, at most <paramref name="limit"/>.</summary>
    [ReadOnly] [Alias("List")] Task<IReadOnlyList<ServiceCase>> List(string? status, string? label, int limit);

    /// <summary>The figures of one local date (yyyy-MM-dd).</summary>
    [ReadOnly] [Alias("Figures")] Task<DeskDayFigures> Figures(string date);
}
