using System.Text.Json;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>Message changes: Edit, DeleteForMe, React; group administration: RenameGroup, SetRole, SetMuted; GetReads.</summary>
public sealed partial class ChatHub
{
    private const int MaxDeleteSeqs = 100;

    public Task<Message> Edit(JsonElement request)
    {
        var body = HubArguments.Object(request, "request");
        var id = HubArguments.Id(HubArguments.Required(body, "conversationId"), "conversationId");
        var seq = HubArguments.Long(HubArguments.Required(body, "seq"), "seq", 1);
        var text = HubArguments.Text(HubArguments.Required(body, "text"), "text", Limits.MaxTextLength);
        if (string.IsNullOrWhiteSpace(text)) throw HubErrors.Invalid("text must not be empty");
        return ConversationGrain(id).Edit(Me, seq, text);
    }

    public Task DeleteForMe(JsonElement conversationId, JsonElement seqs)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        if (seqs.ValueKind != JsonValueKind.Array) throw HubErrors.Invalid("seqs must be an array of seqs");
        var count = seqs.GetArrayLength();
        if (count is 0 or > MaxDeleteSeqs) throw HubErrors.Invalid($"seqs must hold 1-{MaxDeleteSeqs} seqs");
        var values = seqs.EnumerateArray().Select(s => HubArguments.Long(s, "seqs", 1)).ToArray();
        return ConversationGrain(id).DeleteForMe(Me, values);
    }

    public Task<ReactionEvent> React(JsonElement request)
    {
        var body = HubArguments.Object(request, "request");
        var id = HubArguments.Id(HubArguments.Required(body, "conversationId"), "conversationId");
        var seq = HubArguments.Long(HubArguments.Required(body, "seq"), "seq", 1);
        var emoji = HubArguments.Text(HubArguments.Required(body, "emoji"), "emoji", 16);
        var on = HubArguments.Bool(HubArguments.Required(body, "on"), "on");
        return ConversationGrain(id).React(Me, seq, emoji, on);
    }

    public Task<ConversationView> RenameGroup(JsonElement conversationId, JsonElement title)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var text = HubArguments.Text(title, "title", Limits.MaxTitleLength).Trim();
        if (text.Length == 0) throw HubErrors.Invalid($"title must be 1-{Limits.MaxTitleLength} characters");
        return ConversationGrain(id).RenameGroup(Me, text);
    }

    public Task<ConversationView> SetRole(JsonElement conversationId, JsonElement userId, JsonElement role)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var member = HubArguments.UserId(userId, "userId");
        var value = HubArguments.Text(role, "role", 16);
        if (value is not (MemberRoles.Owner or MemberRoles.Admin or MemberRoles.Member)) throw HubErrors.Invalid("role must be owner, admin or member");
        return ConversationGrain(id).SetRole(Me, member, value);
    }

    public Task<ConversationView> SetMuted(JsonElement conversationId, JsonElement userId, JsonElement muted)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var member = HubArguments.UserId(userId, "userId");
        return ConversationGrain(id).SetMuted(Me, member, HubArguments.Bool(muted, "muted"));
    }

    public Task<IReadOnlyList<ReadPosition>> GetReads(JsonElement conversationId) =>
        ConversationGrain(HubArguments.Id(conversationId, "conversationId")).GetReads(Me);
}
