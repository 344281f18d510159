namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// Search by reading every message of the conversations from the store: for the in-memory store of tests (and any
/// other store without an index). Word match: every query word is a word of the text.
/// </summary>
internal sealed class ScanMessageSearch(IMessageStore store) : IMessageSearch
{
    private const int Page = 500;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IReadOnlyList<SearchKey>> SearchAsync(
        IReadOnlyCollection<string> conversationIds, IReadOnlyList<string> words, SearchKey? before, int limit, CancellationToken cancellationToken = default)
    {
        var bound = before ?? SearchKey.Start;
        var hits = new List<SearchKey>();
        foreach (var conversationId in conversationIds.Distinct(StringComparer.Ordinal))
        {
            var after = 0L;
            while (true)
            {
                var page = await store.ReadAfterAsync(conversationId, after, Page, cancellationToken).ConfigureAwait(false);
                foreach (var message in page.Where(m => m.Kind == MessageKinds.Text && !m.Recalled && m.Text is not null))
                {
                    var key = new SearchKey(message.SentAt.ToUnixTimeMilliseconds(), message.ConversationId, message.Seq);
                    if (Compare(key, bound) < 0 && SearchWords.Of(message.Text!).ToHashSet(StringComparer.Ordinal) is var have && words.All(have.Contains)) hits.Add(key);
                }
                if (page.Count < Page) break;
                after = page[^1].Seq;
            }
        }
        hits.Sort((a, b) => Compare(b, a));
        return hits.Take(limit).ToList();
    }

    private static int Compare(SearchKey a, SearchKey b)
    {
        var bySent = a.SentAtMs.CompareTo(b.SentAtMs);
        if (bySent != 0) return bySent;
        var byConversation = string.CompareOrdinal(a.ConversationId, b.ConversationId);
        return byConversation != 0 ? byConversation : a.Seq.CompareTo(b.Seq);
    }
}
