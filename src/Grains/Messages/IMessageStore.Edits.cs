namespace Im.Orleans.Grains.Messages;

/// <summary>Changes to stored messages after the append: edits, reactions, and hiding for one user (delete for me).</summary>
public partial interface IMessageStore
{
    /// <summary>Replaces a message's text and sets its edit time; false when no such message exists.</summary>
    Task<bool> EditAsync(string conversationId, long seq, string text, DateTimeOffset editedAt, CancellationToken cancellationToken = default);

    /// <summary>Replaces a message's reactions (null or empty: none); false when no such message exists.</summary>
    Task<bool> SetReactionsAsync(string conversationId, long seq, IReadOnlyDictionary<string, IReadOnlyList<string>>? reactions, CancellationToken cancellationToken = default);

    /// <summary>Hides messages for one user (idempotent); the rows stay for everyone else.</summary>
    Task HideAsync(string conversationId, string userId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default);

    /// <summary>The seqs a user hid in a conversation, ascending.</summary>
    Task<IReadOnlyList<long>> HiddenAsync(string conversationId, string userId, CancellationToken cancellationToken = default);
}
