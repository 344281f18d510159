using Orleans.Concurrency;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>
/// Runs message searches on a silo (the index sits beside the log): scopes them to the user's current
/// conversations, asks the index for keys and reads each hit from its conversation as the user sees it.
/// </summary>
[GrainType("message-search")]
[StatelessWorker]
internal sealed class MessageSearchGrain(IMessageSearch search) : Grain, IMessageSearchGrain
{
    public async Task<MessageSearchPage> Search(string userId, MessageSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var words = SearchWords.Of(query.Query);
        if (words.Count == 0) throw ChatException.Invalid("The query needs at least one letter or digit.");
        SearchKey? before = null;
        if (query.Before is { } cursor) before = SearchKey.Decode(cursor) ?? throw ChatException.Invalid("before is not a cursor from SearchMessages.");

        var mine = (await GrainFactory.GetGrain<IUserGrain>(userId).ListConversations()).Select(c => c.ConversationId).ToList();
        IReadOnlyCollection<string> scope = mine;
        if (query.ConversationId is { } only)
        {
            // The conversation answers not_found or forbidden for one the user is not in.
            if (!mine.Contains(only, StringComparer.Ordinal)) await Conversation(only).GetView(userId);
            scope = [only];
        }

        // One more than asked tells whether there is a next page.
        var keys = await search.SearchAsync(scope, words, before, query.Limit + 1);
        var page = keys.Take(query.Limit).ToList();
        var next = keys.Count > query.Limit ? page[^1].Encode() : null;
        var messages = await Task.WhenAll(page.Select(key => ReadAsync(userId, key)));
        return new MessageSearchPage([.. messages.Where(m => m is not null && !IsHiddenFrom(m))!], next);
    }

    /// <summary>The hit as the user sees it (History applies the viewer's own view), or null when it is gone.</summary>
    private async Task<Message?> ReadAsync(string userId, SearchKey key)
    {
        try
        {
            var found = await Conversation(key.ConversationId).History(userId, key.Seq + 1, 1);
            return found.Count == 1 && found[0].Seq == key.Seq ? found[0] : null;
        }
        catch (ChatException e) when (e.Code is ErrorCodes.Forbidden or ErrorCodes.NotFound)
        {
            // Left the conversation since the list was read.
            return null;
        }
    }

    // Hook for the per-viewer hiding of delete-for-me (issue 12, owner A): when Message carries Deleted, a message
    // the user deleted for themselves is no hit either (add "|| message.Deleted" here). Recalled and system messages
    // are not indexed; they are checked again because the index may lag a recall by a moment.
    private static bool IsHiddenFrom(Message message) => message.Recalled || message.Kind == MessageKinds.System;

    private IConversationGrain Conversation(string conversationId) => GrainFactory.GetGrain<IConversationGrain>(conversationId);
}
