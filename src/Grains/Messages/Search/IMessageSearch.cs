namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// The word index beside the message log: which text messages of some conversations contain all of some words,
/// newest first. It answers keys only; callers read the messages as the viewer sees them from the conversations.
/// </summary>
internal interface IMessageSearch
{
    /// <summary>Creates the index (and fills it from messages stored before it existed) if missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Keys of text messages, not recalled, of <paramref name="conversationIds"/> containing every word, ordered by
    /// (sentAt, conversationId, seq) descending and strictly after <paramref name="before"/> in that order.
    /// </summary>
    Task<IReadOnlyList<SearchKey>> SearchAsync(
        IReadOnlyCollection<string> conversationIds, IReadOnlyList<string> words, SearchKey? before, int limit, CancellationToken cancellationToken = default);
}
