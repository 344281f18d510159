namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// The newest messages of a conversation, contiguous by seq and bounded, so paging near the end and unread counting
/// do not touch the store. <see cref="IsComplete"/> means it still holds the whole history from seq 1.
/// </summary>
internal sealed class RecentMessages(int capacity)
{
    private readonly List<Message> _messages = [];

    public bool IsComplete { get; private set; } = true;

    public int Count => _messages.Count;

    public long FirstSeq => _messages.Count > 0 ? _messages[0].Seq : long.MaxValue;

    /// <summary>Replaces the contents with the newest stored messages (ascending) read at activation.</summary>
    public void Load(IReadOnlyList<Message> newest, long lastSeq)
    {
        _messages.Clear();
        _messages.AddRange(newest.TakeLast(capacity));
        IsComplete = lastSeq == 0 || (_messages.Count > 0 && _messages[0].Seq == 1);
    }

    public void Add(Message message)
    {
        _messages.Add(message);
        if (_messages.Count <= capacity) return;
        _messages.RemoveRange(0, _messages.Count - capacity);
        IsComplete = false;
    }

    /// <summary>True when every message with seq &gt; afterSeq is here.</summary>
    public bool CoversAfter(long afterSeq) => IsComplete || afterSeq + 1 >= FirstSeq;

    public IReadOnlyList<Message> After(long afterSeq, int limit) => [.. _messages.Where(m => m.Seq > afterSeq).Take(limit)];

    public IReadOnlyList<Message> Before(long beforeSeq, int limit) => [.. _messages.Where(m => m.Seq < beforeSeq).TakeLast(limit)];

    public long CountFromOthers(string userId, long afterSeq, long upToSeq) =>
        _messages.LongCount(m => m.Seq > afterSeq && m.Seq <= upToSeq && m.SenderId != userId && m.Kind != MessageKinds.System);

    public Message? Find(long seq)
    {
        if (_messages.Count == 0 || seq < _messages[0].Seq) return null;
        var index = (int)(seq - _messages[0].Seq);
        return index < _messages.Count && _messages[index].Seq == seq ? _messages[index] : _messages.Find(m => m.Seq == seq);
    }

    public void Replace(Message message)
    {
        var index = _messages.FindIndex(m => m.Seq == message.Seq);
        if (index >= 0) _messages[index] = message;
    }
}
