namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// The desk serving a service conversation. The id keeps naming the home desk for life (history stays one
/// conversation), so after a transfer the serving desk is recorded here for the hub and for reports to the desk.
/// </summary>
internal sealed partial class ConversationGrain
{
    public Task<ServingDesk?> GetServingDesk()
    {
        // The hub asks for ids clients send: an id nobody created keeps no activation.
        if (!State.Exists) DeactivateOnIdle();
        return Task.FromResult(ServingDeskId() is { } deskId ? new ServingDesk(deskId, State.DeskTransferId) : null);
    }

    public async Task MoveToDesk(string deskId, string transferId)
    {
        RequireService();
        if (string.IsNullOrWhiteSpace(deskId) || string.IsNullOrWhiteSpace(transferId)) throw ChatException.Invalid("A move needs a desk and a transfer id.");
        if (State.DeskTransferId == transferId && ServingDeskId() == deskId) return;
        ConversationIds.TryParseService(Id, out var home, out _);
        State.ServingDeskId = deskId == home ? null : deskId;
        State.DeskTransferId = transferId;
        await _state.WriteStateAsync();
    }

    /// <summary>The desk to tell of agents' replies: the one serving now, else the home desk in the id.</summary>
    private string? ServingDeskId() =>
        State.ServingDeskId ?? (ConversationIds.TryParseService(Id, out var home, out _) ? home : null);
}
