using System.Text.Json;
using Im.Orleans.Gateway.Files;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>Messages: Send, MarkRead, Sync, History, Recall.</summary>
public sealed partial class ChatHub
{
    private const int MaxClientMsgIdLength = 64;

    public async Task<SendResult> Send(JsonElement command)
    {
        var body = HubArguments.Object(command, "command");
        var conversationId = HubArguments.Id(HubArguments.Required(body, "conversationId"), "conversationId");
        var clientMsgId = HubArguments.Id(HubArguments.Required(body, "clientMsgId"), "clientMsgId");
        if (clientMsgId.Length > MaxClientMsgIdLength) throw HubErrors.Invalid($"clientMsgId must be at most {MaxClientMsgIdLength} characters");
        var kind = HubArguments.Text(HubArguments.Required(body, "kind"), "kind", 16);
        if (!MessageKinds.ClientSendable.Contains(kind)) throw HubErrors.Invalid("kind must be text, image, file, voice, video or custom");
        var text = HubArguments.Optional(body, "text") is { } t ? HubArguments.Text(t, "text", Limits.MaxTextLength) : null;
        var attachmentId = HubArguments.Optional(body, "attachmentId") is { } a ? HubArguments.Id(a, "attachmentId") : null;
        var replyToSeq = HubArguments.Optional(body, "replyToSeq") is { } r ? HubArguments.Long(r, "replyToSeq", 1) : (long?)null;
        if (kind == MessageKinds.Text && string.IsNullOrWhiteSpace(text)) throw HubErrors.Invalid("text is required for a text message");
        if (kind is MessageKinds.Image or MessageKinds.File or MessageKinds.Voice or MessageKinds.Video && attachmentId is null)
            throw HubErrors.Invalid($"attachmentId is required for a {kind} message");

        var allowance = await sendLimiter.AcquireAsync(Me);
        if (allowance.IsRefused) throw HubErrors.RateLimited("too many messages, slow down", allowance.RetryAfter);

        var attachment = attachmentId is null ? null : await ResolveAttachmentAsync(attachmentId, conversationId, kind);
        var send = new SendCommand(conversationId, clientMsgId, kind, text, attachmentId, replyToSeq, attachment);
        return await ConversationGrain(conversationId).Send(Me, send);
    }

    public Task<MarkReadResult> MarkRead(JsonElement conversationId, JsonElement seq)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        return MyGrain.MarkRead(id, HubArguments.Long(seq, "seq", 0));
    }

    public async Task<SyncResult> Sync(JsonElement request)
    {
        var body = HubArguments.Object(request, "request");
        var limit = HubArguments.Optional(body, "limit") is { } l ? HubArguments.Int(l, "limit", 1, Limits.MaxSyncLimit) : Limits.DefaultSyncLimit;
        var cursors = ReadCursors(HubArguments.Optional(body, "cursors"));
        var me = Me;

        // Only conversations on the user's own list are read: ids the user is not in (never created, left, someone
        // else's) cost no grain activation, so a Sync naming a thousand random ids is as cheap as an empty one.
        var conversations = await MyGrain.ListConversations();
        var mine = conversations.Select(c => c.ConversationId).ToHashSet(StringComparer.Ordinal);
        var pages = await Task.WhenAll(cursors.Where(cursor => mine.Contains(cursor.Key)).Select(async cursor =>
        {
            try
            {
                return await ConversationGrain(cursor.Key).Since(me, cursor.Value, limit);
            }
            catch (ChatException e) when (e.Code is ErrorCodes.Forbidden or ErrorCodes.NotFound)
            {
                // A conversation the user has left or never saw: nothing to sync, and not a reason to fail the rest.
                return null;
            }
        }));
        var messages = pages.Where(p => p is not null).SelectMany(p => p!.Messages).ToList();
        return new SyncResult(conversations, messages, pages.Any(p => p?.HasMore == true));
    }

    public Task<IReadOnlyList<Message>> History(JsonElement conversationId, JsonElement beforeSeq, JsonElement limit)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var before = HubArguments.Long(beforeSeq, "beforeSeq", 1);
        var count = HubArguments.Int(limit, "limit", 1, Limits.MaxHistoryLimit);
        return ConversationGrain(id).History(Me, before, count);
    }

    public Task Recall(JsonElement conversationId, JsonElement seq)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        return ConversationGrain(id).Recall(Me, HubArguments.Long(seq, "seq", 1));
    }

    private Dictionary<string, long> ReadCursors(JsonElement? cursors)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (cursors is null) return result;
        var value = HubArguments.Object(cursors.Value, "cursors");
        foreach (var property in value.EnumerateObject())
        {
            if (result.Count == Limits.MaxSyncCursors) throw HubErrors.Invalid($"cursors may name at most {Limits.MaxSyncCursors} conversations");
            using var name = JsonDocument.Parse(JsonSerializer.Serialize(property.Name));
            result[HubArguments.Id(name.RootElement, "cursors key")] = HubArguments.Long(property.Value, $"cursors[{property.Name}]", 0);
        }
        return result;
    }

    /// <summary>The uploaded file as the message's attachment; it must belong to this conversation and fit the kind.</summary>
    private async Task<Attachment> ResolveAttachmentAsync(string attachmentId, string conversationId, string kind)
    {
        var file = await files.FindAsync(attachmentId, Context.ConnectionAborted);
        if (file is null || file.ConversationId != conversationId) throw HubErrors.Invalid("attachmentId is not a file uploaded to this conversation");
        if (!FileKinds.Fits(kind, file.ContentType)) throw HubErrors.Invalid($"a {kind} message cannot carry {file.ContentType}");
        return new Attachment(file.Id, file.FileName, file.ContentType, file.Size);
    }
}
