using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Which desk serves a service conversation (ConversationGrain.Desk.cs): its home desk until a transfer moves it.</summary>
public partial interface IConversationGrain
{
    /// <summary>The serving desk; the home desk of the id until a transfer; null for ids that are not service conversations.</summary>
    [ReadOnly] [AlwaysInterleave] [Alias("GetServingDesk")] Task<ServingDesk?> GetServingDesk();

    /// <summary>A desk took the conversation over (a transfer, or its home desk queueing it again); idempotent.</summary>
    [Alias("MoveToDesk")] Task MoveToDesk(string deskId, string transferId);
}
