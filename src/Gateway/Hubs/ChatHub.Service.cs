using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Desks;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Customer service: visitors open service chats with a desk and ask where they stand; agents set their status, read
/// their load and finish chats. Agent methods need the token's role agent or operator.
/// </summary>
public sealed partial class ChatHub
{
    private const int MaxAgentStatusLength = 16;

    public async Task<ServiceChat> OpenServiceChat(JsonElement deskId)
    {
        var desk = DeskId(deskId);
        return await grains.GetGrain<IDeskGrain>(desk).OpenServiceChat(Me);
    }

    public async Task<QueueStatus> GetQueuePosition(JsonElement conversationId)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var desk = await ServingDeskAsync(id);
        // Only members (the visitor, the serving agent) may see the ticket; GetView answers not_found or forbidden.
        await ConversationGrain(id).GetView(Me);
        var ticket = await grains.GetGrain<IDeskGrain>(desk).Position(id);
        return QueueStatus.From(desk, ticket);
    }

    public async Task<AgentLoad> SetAgentStatus(JsonElement status)
    {
        RequireAgent();
        var value = HubArguments.Text(status, "status", MaxAgentStatusLength);
        if (!AgentStatus.All.Contains(value)) throw HubErrors.Invalid("status must be online, away, busy or offline");
        return await MyAgent.SetStatus(value);
    }

    public async Task<AgentLoad> GetAgentState()
    {
        RequireAgent();
        return await MyAgent.GetLoad();
    }

    public async Task<AgentLoad> FinishServiceChat(JsonElement conversationId)
    {
        RequireAgent();
        var id = HubArguments.Id(conversationId, "conversationId");
        return await grains.GetGrain<IDeskGrain>(await ServingDeskAsync(id)).FinishServiceChat(Me, id);
    }

    /// <summary>A supervisor of the desk, or an operator, takes a served chat over (the grain checks the desk's supervisor list unless told the caller is an operator).</summary>
    public async Task<QueueStatus> TakeOverServiceChat(JsonElement conversationId)
    {
        RequireAgent();
        var id = HubArguments.Id(conversationId, "conversationId");
        var desk = await ServingDeskAsync(id);
        return QueueStatus.From(desk, await grains.GetGrain<IDeskGrain>(desk).TakeOverAs(id, Me, IsOperator));
    }

    private IAgentGrain MyAgent => grains.GetGrain<IAgentGrain>(Me);

    private void RequireAgent()
    {
        var user = Context.User;
        if (user is null || !(user.IsInRole(ChatRoles.Agent) || user.IsInRole(ChatRoles.Operator)))
            throw HubErrors.Forbidden("this method is for agents (token role agent or operator)");
    }

    // Desk ids follow the user id rules: they appear inside service conversation ids, so they hold no colon.
    private static string DeskId(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !UserIdRules.IsValid(value.GetString()))
            throw HubErrors.Invalid(DeskViews.DeskIdRule);
        return value.GetString()!;
    }

    /// <summary>
    /// The desk serving a service conversation now: the one in its id until a transfer moved it (the conversation
    /// records where it is; the id stays the same for life).
    /// </summary>
    private async Task<string> ServingDeskAsync(string conversationId)
    {
        var home = HomeDesk(conversationId);
        return (await ConversationGrain(conversationId).GetServingDesk())?.DeskId ?? home;
    }

    /// <summary>The desk a service conversation's id names (where it was first opened); invalid for any other id.</summary>
    private static string HomeDesk(string conversationId) =>
        ConversationIds.TryParseService(conversationId, out var home, out _)
            ? home
            : throw HubErrors.Invalid("conversationId must be a service conversation (s:<deskId>:<visitorId>)");
}
