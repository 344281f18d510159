using Im.Orleans.Grains.Desks.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks.Cases;

/// <summary>
/// A visitor's service chat as a case. The desk and the conversation report what happens one-way; the grain derives the
/// status from it (queued → open → pending ⇄ open → resolved, or ticket) and reports each change one-way to the desk's
/// case index, and the assigned agent's devices. It awaits only user grains (names), which never call it.
/// </summary>
[GrainType("servicecase")]
internal sealed partial class ServiceCaseGrain : Grain, IServiceCaseGrain
{
    private const int MaxNotes = 500;
    private const int MaxNoteLength = 2000;
    private const int MaxCommentLength = 1000;

    private readonly IPersistentState<ServiceCaseState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ServiceCaseGrain([PersistentState("servicecase")] IPersistentState<ServiceCaseState> state, TimeProvider time, ILogger<ServiceCaseGrain> logger)
    {
        _state = state;
        _time = time;
        _logger = logger;
    }

    private string Id => this.GetPrimaryKeyString();

    private ServiceCaseState State => _state.State;

    private string VisitorId => ConversationIds.TryParseService(Id, out _, out var visitor) ? visitor : "";

    private string HomeDesk => ConversationIds.TryParseService(Id, out var desk, out _) ? desk : "";

    private string DeskId => State.DeskId ?? HomeDesk;

    public async Task<ServiceCase> Get()
    {
        RequireExists();
        return await SnapshotAsync();
    }

    public async Task<ServiceCase> SetStatus(CaseActor actor, string status)
    {
        RequireExists();
        if (status is not (ServiceCaseStatus.Open or ServiceCaseStatus.Pending)) throw ChatException.Invalid("status must be open or pending here (resolved: FinishServiceChat).");
        if (!actor.Supervisor && actor.UserId != State.AgentId) throw ChatException.Forbidden($"{actor.UserId} is neither the agent of {Id} nor a supervisor.");
        if (State.Status is not (ServiceCaseStatus.Open or ServiceCaseStatus.Pending)) throw ChatException.Conflict($"{Id} is {State.Status}: only a served chat is open or pending.");
        if (State.Status == status) return await SnapshotAsync();
        var before = State.Status;
        State.Status = status;
        await SaveAsync();
        await AuditAsync(actor.UserId, CaseAuditActions.CaseStatus, $"{before} -> {status}");
        return await ChangedAsync();
    }

    public async Task<ServiceCase> SetLabels(CaseActor actor, IReadOnlyList<string> labels, IReadOnlyList<string> allowed)
    {
        RequireExists();
        var unknown = labels.FirstOrDefault(l => !allowed.Contains(l, StringComparer.Ordinal));
        if (unknown is not null) throw ChatException.Invalid($"'{unknown}' is not a label of desk {DeskId}.");
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.SequenceEqual(State.Labels, StringComparer.Ordinal)) return await SnapshotAsync();
        var before = string.Join(",", State.Labels);
        State.Labels = distinct;
        await SaveAsync();
        await AuditAsync(actor.UserId, CaseAuditActions.Labels, $"[{before}] -> [{string.Join(",", distinct)}]");
        return await ChangedAsync();
    }

    public async Task<ServiceNote> AddNote(string authorId, string text)
    {
        RequireExists();
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxNoteLength) throw ChatException.Invalid($"A note needs 1 to {MaxNoteLength} characters.");
        if (State.Notes.Count >= MaxNotes) throw ChatException.Conflict($"{Id} has {MaxNotes} notes, the most a case keeps.");
        var note = NewNote(authorId, text)!;
        await SaveAsync();
        PushNote(note);
        return note;
    }

    /// <summary>Adds a note to the state (not saved); null for no text, or when the case holds the most notes it keeps.</summary>
    private ServiceNote? NewNote(string authorId, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (State.Notes.Count >= MaxNotes)
        {
            // Only a transfer's note gets here full: the transfer matters more than its note, which the audit entry keeps.
            _logger.LogWarning("Case {Case} holds {Max} notes; a note by {Author} is not kept", Id, MaxNotes, authorId);
            return null;
        }
        var note = new ServiceNote($"{++State.NextNoteId}", Id, authorId, text, _time.GetUtcNow());
        State.Notes.Add(note);
        return note;
    }

    /// <summary>A note goes to the devices of the assigned agent and of its author.</summary>
    private void PushNote(ServiceNote note)
    {
        foreach (var user in new[] { State.AgentId, note.AuthorId }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            _ = GrainFactory.GetGrain<IUserGrain>(user).PushNote(note);
        }
    }

    public Task<IReadOnlyList<ServiceNote>> ListNotes()
    {
        RequireExists();
        return Task.FromResult<IReadOnlyList<ServiceNote>>([.. State.Notes]);
    }

    public async Task<ServiceCase> Rate(string visitorId, int rating, string? comment)
    {
        RequireExists();
        if (visitorId != VisitorId) throw ChatException.Forbidden("Only the visitor rates a service chat.");
        if (rating is < 1 or > 5) throw ChatException.Invalid("rating must be from 1 to 5.");
        if (comment is { Length: > MaxCommentLength }) throw ChatException.Invalid($"comment must be at most {MaxCommentLength} characters.");
        if (State.Status != ServiceCaseStatus.Resolved) throw ChatException.Conflict($"{Id} is {State.Status}: only a resolved chat is rated.");
        var previous = State.Rating;
        State.Rating = rating;
        State.RatingComment = string.IsNullOrWhiteSpace(comment) ? null : comment;
        await SaveAsync();
        if (State.ResolvedDate is { } date && State.ResolvedBy is { } agent) _ = Cases.ChatRated(date, agent, rating, previous);
        return await ChangedAsync();
    }

    private void RequireExists()
    {
        if (State.Status is null) throw ChatException.NotFound($"{Id} is not a service chat any desk has seen.");
    }

    /// <summary>Stores and tells the desk's index; the index is a listing aid, so a lost report only delays a list.</summary>
    private async Task SaveAsync()
    {
        State.UpdatedAt = _time.GetUtcNow();
        // Moved to another desk (a transfer, or home again): the index of the desk it left forgets it.
        var left = State.IndexedDeskId is { } indexed && indexed != DeskId ? indexed : null;
        State.IndexedDeskId = DeskId;
        await _state.WriteStateAsync();
        if (left is not null) _ = GrainFactory.GetGrain<IDeskCasesGrain>(left).CaseLeft(Id, State.UpdatedAt);
        _ = Cases.CaseChanged(new CaseSummary(Id, State.Status!, [.. State.Labels], State.UpdatedAt));
    }

    /// <summary>Status, labels or rating changed: the assigned agent's devices get the case.</summary>
    private async Task<ServiceCase> ChangedAsync()
    {
        var snapshot = await SnapshotAsync();
        if (State.AgentId is { } agent) _ = GrainFactory.GetGrain<IUserGrain>(agent).PushCase(snapshot);
        return snapshot;
    }

    private async Task<ServiceCase> SnapshotAsync()
    {
        VisitorCard visitor;
        try
        {
            visitor = await GrainFactory.GetGrain<IUserGrain>(VisitorId).GetVisitorCard();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The case is still worth showing without the name: the id stands in.
            _logger.LogWarning(e, "Case {Case} could not read visitor {Visitor}'s card", Id, VisitorId);
            visitor = new VisitorCard(VisitorId, new Dictionary<string, string>());
        }
        return new ServiceCase(Id, DeskId, VisitorId, visitor, State.Status!, [.. State.Labels], State.AgentId, State.OpenedAt, State.AssignedAt,
            State.FirstResponseAt, State.ResolvedAt, State.Rating, State.RatingComment, State.Ticket);
    }

    private IDeskCasesGrain Cases => GrainFactory.GetGrain<IDeskCasesGrain>(DeskId);

    private async Task AuditAsync(string actor, string action, string details)
    {
        try
        {
            await ServiceProvider.GetRequiredService<IAuditLog>().AppendAsync(new AuditEntry(0, _time.GetUtcNow(), actor, DeskId, action, Id, details));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Like the desk's: the change is stored and stands; a missing entry is logged loudly.
            _logger.LogError(e, "Case {Case} could not audit {Action} by {Actor} ({Details})", Id, action, actor, details);
        }
    }
}
