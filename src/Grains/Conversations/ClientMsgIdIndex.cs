namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// Recent clientMsgIds and their stored messages, bounded, so most retries are answered from memory.
/// <see cref="CoversAll"/> means every stored message is indexed, so an unknown id is certainly new.
/// </summary>
internal sealed class ClientMsgIdIndex(int capacity)
{
    private readonly Dictionary<string, Message> _byClientId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool CoversAll { get; private set; } = true;

    public void Load(IReadOnlyList<Message> newest, long lastSeq)
    {
        _byClientId.Clear();
        _order.Clear();
        CoversAll = lastSeq == 0 || (newest.Count > 0 && newest[0].Seq == 1);
        foreach (var message in newest) Remember(message);
    }

    public bool TryGet(string clientMsgId, out Message message) => _byClientId.TryGetValue(clientMsgId, out message!);

    public void Remember(Message message)
    {
        if (_byClientId.ContainsKey(message.ClientMsgId))
        {
            _byClientId[message.ClientMsgId] = message;
            return;
        }
        _byClientId[message.ClientMsgId] = message;
        _order.Enqueue(message.ClientMsgId);
        while (_order.Count > capacity)
        {
            _byClientId.Remove(_order.Dequeue());
            CoversAll = false;
        }
    }
}
