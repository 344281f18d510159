namespace Im.Orleans.Grains.Desks.Cases;

/// <summary>What a service case persists: its status and current turn, labels, rating and private notes.</summary>
internal sealed class ServiceCaseState
{
    /// <summary>Null until a desk first reports the chat (queued, served or ticketed); such a case does not exist yet.</summary>
    public string? Status { get; set; }

    /// <summary>The desk serving the chat now (the home desk of the id unless another desk queued it).</summary>
    public string? DeskId { get; set; }

    /// <summary>The desk whose case index was last told of this case (to take it out of there when the case moves).</summary>
    public string? IndexedDeskId { get; set; }

    public List<string> Labels { get; set; } = [];
    public string? AgentId { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The agent who resolved the current turn (preferred when the visitor comes back within the reopen window).</summary>
    public string? ResolvedBy { get; set; }

    /// <summary>The local date (desk's time zone) the turn was resolved on: the day its rating counts for.</summary>
    public string? ResolvedDate { get; set; }

    public int? Rating { get; set; }
    public string? RatingComment { get; set; }
    public CaseTicket? Ticket { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<ServiceNote> Notes { get; set; } = [];
    public long NextNoteId { get; set; }
}
