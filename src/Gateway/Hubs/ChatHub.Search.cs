using System.Text.Json;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>SearchMessages: words in the caller's conversations, newest first, paged by an opaque cursor.</summary>
public sealed partial class ChatHub
{
    private const int MaxCursorLength = 512;

    public Task<MessageSearchPage> SearchMessages(JsonElement request)
    {
        var body = HubArguments.Object(request, "request");
        var query = SearchQuery(body);
        var conversationId = HubArguments.Optional(body, "conversationId") is { } c ? HubArguments.Id(c, "conversationId") : null;
        var before = HubArguments.Optional(body, "before") is { } b ? HubArguments.Text(b, "before", MaxCursorLength) : null;
        if (before is { Length: 0 }) throw HubErrors.Invalid("before must be a cursor from SearchMessages");
        var limit = HubArguments.Optional(body, "limit") is { } l ? HubArguments.Int(l, "limit", 1, MaxSearchLimit) : DefaultSearchLimit;
        return grains.GetGrain<IMessageSearchGrain>(0).Search(Me, new MessageSearchQuery(query, conversationId, before, limit));
    }
}
