namespace Im.Orleans.Grains.Users;

/// <summary>
/// A user's small copy of one conversation, so listing never calls every conversation. CountedSeq is the highest
/// seq already reflected in Unread: deliveries at or below it are retries and are ignored.
/// </summary>
internal sealed class ConversationSummary
{
    public string ConversationId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public List<MemberView> Members { get; set; } = [];
    public bool Muted { get; set; }
    public long LastSeq { get; set; }
    public Message? LastMessage { get; set; }
    public long ReadSeq { get; set; }
    public long CountedSeq { get; set; }
    public long Unread { get; set; }

    public ConversationView ToView() => new(ConversationId, Kind, Title, Members, LastSeq, LastMessage, Unread, ReadSeq, Muted);

    public void Apply(ConversationView view)
    {
        Kind = view.Kind;
        Title = view.Title;
        Members = [.. view.Members];
        Muted = view.Muted;
        if (view.LastSeq >= LastSeq)
        {
            LastSeq = view.LastSeq;
            LastMessage = view.LastMessage ?? LastMessage;
        }
    }
}
