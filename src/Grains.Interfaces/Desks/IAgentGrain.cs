using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// One customer-service agent (key: user id): status, capacity and the chats assigned. It is the authority on its
/// own capacity: desks offer it chats and it alone decides whether it takes one, so it can never go over capacity.
/// </summary>
[Alias("im.IAgentGrain")]
public partial interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Online, away, busy or offline; going online tells the agent's desks it takes chats.</summary>
    [Alias("SetStatus")] Task<AgentLoad> SetStatus(string status);

    /// <summary>The agent's own capacity; null falls back to the capacity its desks set.</summary>
    [Alias("SetCapacity")] Task<AgentLoad> SetCapacity(int? capacity);

    [ReadOnly] [Alias("GetLoad")] Task<AgentLoad> GetLoad();

    /// <summary>The agent finished (resolved or handed on) a chat; the slot is free and the desk that assigned it drains.</summary>
    [Alias("Finish")] Task<AgentLoad> Finish(string conversationId);

    /// <summary>Called by a desk that lists this agent; <paramref name="defaultCapacity"/> applies while the agent set none.</summary>
    [Alias("JoinDesk")] Task<AgentLoad> JoinDesk(string deskId, int defaultCapacity);

    [Alias("LeaveDesk")] Task LeaveDesk(string deskId);

    /// <summary>
    /// A desk offers a chat. Accepted only while online with a free slot, or when the agent already holds this very
    /// chat (a desk retrying an offer whose answer it lost), so retries never take a second slot.
    /// </summary>
    [Alias("Offer")] Task<OfferReply> Offer(string deskId, string conversationId);

    /// <summary>
    /// A desk takes a chat back (its agent did not answer in time): the slot is freed without a handle time and without
    /// telling that desk the chat ended. False when the agent does not hold the chat for that desk (already released).
    /// </summary>
    [Alias("Release")] Task<bool> Release(string deskId, string conversationId);

    /// <summary>
    /// A desk hands this user a chat a supervisor took over: held whatever the status, capacity or desks listing the
    /// user (the take-over is a supervisor's explicit choice), so Finish frees it and tells the desk as usual.
    /// </summary>
    [Alias("Adopt")] Task<AgentLoad> Adopt(string deskId, string conversationId);

    /// <summary>
    /// The user grain: the agent's last device disconnected at <paramref name="at"/>, so the agent goes offline (audited
    /// as the agent's), unless the agent chose a status after that (the call arrived late, after a reconnect).
    /// </summary>
    [OneWay] [Alias("DevicesGone")] Task DevicesGone(DateTimeOffset at);

    /// <summary>The agent did something (a hub call, a message): the idle clock restarts, and an agent set away for idling is online again.</summary>
    [OneWay] [Alias("Active")] Task Active();
}
