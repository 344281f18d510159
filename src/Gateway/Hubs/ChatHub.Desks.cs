using System.Globalization;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Desks;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Desk administration on the hub: what a visitor sees of a desk, quick replies, the visitor blacklist and the audit
/// log. Operators (token role operator) may do every supervisor action on every desk; the hub tells the grain so.
/// </summary>
public sealed partial class ChatHub
{
    private const int MaxBlockReasonLength = 500;
    private const long MaxBlockSeconds = 3650L * 24 * 3600;
    private const int MaxReplyShortcutLength = 32;
    private const int MaxReplyTextLength = 2000;
    private const int MaxQuickReplies = 200;

    /// <summary>Any signed-in user (the widget asks before opening a chat).</summary>
    public async Task<DeskInfo> GetDeskInfo(JsonElement deskId) => await Desk(DeskId(deskId)).GetInfo();

    /// <summary>The desk's quick replies, then the caller's own (staff of the desk and operators).</summary>
    public async Task<QuickReplyView[]> GetQuickReplies(JsonElement deskId)
    {
        RequireAgent();
        var desk = DeskId(deskId);
        var settings = (await Desk(desk).GetView()).Settings;
        if (!IsOperator && !DeskViews.IsStaff(settings, Me)) throw HubErrors.Forbidden($"only the staff of desk '{desk}' read its quick replies");
        var mine = await MyAgent.GetQuickReplies();
        return [.. (settings.QuickReplies ?? []).Select(q => QuickReplyView.Of(q, QuickReplyView.DeskScope)), .. mine.Select(q => QuickReplyView.Of(q, QuickReplyView.AgentScope))];
    }

    /// <summary>Replaces the caller's own quick replies; answers the stored list.</summary>
    public async Task<QuickReplyView[]> SetMyQuickReplies(JsonElement replies)
    {
        RequireAgent();
        if (replies.ValueKind != JsonValueKind.Array) throw HubErrors.Invalid("replies must be an array of {shortcut, text}");
        if (replies.GetArrayLength() > MaxQuickReplies) throw HubErrors.Invalid($"at most {MaxQuickReplies} quick replies");
        var list = replies.EnumerateArray().Select(r =>
        {
            var item = HubArguments.Object(r, "replies");
            return new QuickReply(
                HubArguments.Text(HubArguments.Required(item, "shortcut"), "shortcut", MaxReplyShortcutLength),
                HubArguments.Text(HubArguments.Required(item, "text"), "text", MaxReplyTextLength));
        }).ToList();
        var stored = await MyAgent.SetQuickReplies(list);
        return [.. stored.Select(q => QuickReplyView.Of(q, QuickReplyView.AgentScope))];
    }

    /// <summary>Agents and supervisors of the desk, and operators, block a visitor's new chats.</summary>
    public async Task<BlacklistEntry> BlockVisitor(JsonElement request)
    {
        RequireAgent();
        var r = HubArguments.Object(request, "request");
        var desk = DeskId(HubArguments.Required(r, "deskId"));
        var visitor = HubArguments.UserId(HubArguments.Required(r, "visitorId"), "visitorId");
        var reason = HubArguments.Text(HubArguments.Required(r, "reason"), "reason", MaxBlockReasonLength);
        if (string.IsNullOrWhiteSpace(reason)) throw HubErrors.Invalid("reason is required");
        TimeSpan? duration = HubArguments.Optional(r, "untilSeconds") is { } s ? TimeSpan.FromSeconds(HubArguments.Long(s, "untilSeconds", 1, MaxBlockSeconds)) : null;
        return await Desk(desk).BlockFor(visitor, reason, Me, duration, IsOperator);
    }

    /// <summary>Supervisors of the desk and operators lift a block; false when the visitor was not blocked.</summary>
    public async Task<bool> UnblockVisitor(JsonElement deskId, JsonElement visitorId)
    {
        RequireAgent();
        var desk = DeskId(deskId);
        return await Desk(desk).UnblockAs(HubArguments.UserId(visitorId, "visitorId"), Me, IsOperator);
    }

    /// <summary>The blocks in force, newest first (supervisors of the desk and operators).</summary>
    public async Task<IReadOnlyList<BlacklistEntry>> ListBlockedVisitors(JsonElement deskId)
    {
        RequireAgent();
        var desk = DeskId(deskId);
        await RequireSupervisorAsync(desk);
        return await Desk(desk).ListBlocked();
    }

    /// <summary>A page of the audit log, newest first: a desk's for its supervisors, anything for operators.</summary>
    public async Task<AuditPage> QueryAudit(JsonElement query)
    {
        RequireAgent();
        var q = HubArguments.Object(query, "query");
        var desk = HubArguments.Optional(q, "deskId") is { } d ? DeskId(d) : null;
        var actor = HubArguments.Optional(q, "actorId") is { } a ? HubArguments.Id(a, "actorId") : null;
        if (desk is null && !IsOperator) throw HubErrors.Forbidden("only operators query the audit log beyond one desk");
        if (desk is not null) await RequireSupervisorAsync(desk);
        var from = Instant(q, "from");
        var to = Instant(q, "to");
        var beforeId = HubArguments.Optional(q, "beforeId") is { } b ? HubArguments.Long(b, "beforeId", 1) : (long?)null;
        var limit = HubArguments.Optional(q, "limit") is { } l ? HubArguments.Int(l, "limit", 1, AuditQuery.MaxLimit) : 50;
        return await grains.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(desk, actor, from, to, beforeId, limit));
    }

    private bool IsOperator => Context.User?.IsInRole(ChatRoles.Operator) == true;

    private IDeskGrain Desk(string deskId) => grains.GetGrain<IDeskGrain>(deskId);

    /// <summary>A listed supervisor of the desk, or an operator (who may act on every desk); not_found for an unknown desk.</summary>
    private async Task RequireSupervisorAsync(string deskId)
    {
        var settings = (await Desk(deskId).GetView()).Settings;
        if (!IsSupervisor(settings)) throw HubErrors.Forbidden($"only supervisors of desk '{deskId}' and operators may do this");
    }

    private static DateTimeOffset? Instant(JsonElement obj, string name)
    {
        if (HubArguments.Optional(obj, name) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant)) return instant;
        throw HubErrors.Invalid($"{name} must be an ISO 8601 instant with an offset");
    }
}

/// <summary>A quick reply as the console lists it: the desk's (scope "desk") or the agent's own (scope "agent").</summary>
public sealed record QuickReplyView(string Shortcut, string Text, string Scope)
{
    public const string DeskScope = "desk";
    public const string AgentScope = "agent";

    public static QuickReplyView Of(QuickReply reply, string scope) => new(reply.Shortcut, reply.Text, scope);
}
