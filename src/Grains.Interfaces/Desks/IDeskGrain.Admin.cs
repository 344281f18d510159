using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Desk administration (issue 10, helper A): configuring with an actor, the visitor-facing info, operator pass-through.</summary>
public partial interface IDeskGrain
{
    /// <summary>
    /// Like <see cref="Configure"/>, audited as <see cref="AuditActions.DeskChanged"/> with <paramref name="actorId"/>;
    /// the desk is recorded in the <see cref="IDeskRegistryGrain"/> so it can be listed.
    /// </summary>
    [Alias("ConfigureBy")] Task<DeskView> ConfigureBy(DeskSettings settings, string actorId);

    /// <summary>What a visitor sees before opening a chat: open now, the next opening, an agent online, greeting or away message.</summary>
    [ReadOnly] [Alias("GetInfo")] Task<DeskInfo> GetInfo();

    /// <summary>
    /// <see cref="Block"/> for <paramref name="duration"/> (null = until lifted) from the desk's clock; with
    /// <paramref name="asOperator"/> the caller need not be listed by the desk (the hub vouches for the operator role).
    /// </summary>
    [Alias("BlockFor")] Task<BlacklistEntry> BlockFor(string visitorId, string reason, string blockedBy, TimeSpan? duration, bool asOperator);

    /// <summary><see cref="Unblock"/>; with <paramref name="asOperator"/> the caller need not be a listed supervisor.</summary>
    [Alias("UnblockAs")] Task<bool> UnblockAs(string visitorId, string liftedBy, bool asOperator);

    /// <summary><see cref="TakeOver"/>; with <paramref name="asOperator"/> the caller need not be a listed supervisor.</summary>
    [Alias("TakeOverAs")] Task<QueueTicket> TakeOverAs(string conversationId, string supervisorId, bool asOperator);
}

/// <summary>
/// A desk as a visitor sees it before opening a chat: <see cref="Available"/> = open and at least one agent online;
/// <see cref="Message"/> = the greeting when available, else the away message (a default when the desk set none).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.DeskInfo")]
public sealed record DeskInfo(string DeskId, string Name, bool Open, DateTimeOffset? NextOpeningAt, bool Available, string? Message);

/// <summary>
/// The ids of every configured desk (key 0). One grain, because desks are few (tens, not thousands) and change
/// rarely; listing them is an operator's occasional read. Desks register themselves on every configuration.
/// </summary>
[Alias("im.IDeskRegistryGrain")]
public interface IDeskRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a desk id (idempotent).</summary>
    [Alias("Add")] Task Add(string deskId);

    /// <summary>Every recorded desk id, in ordinal order.</summary>
    [ReadOnly] [Alias("List")] Task<IReadOnlyList<string>> List();
}
