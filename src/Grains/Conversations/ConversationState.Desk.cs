namespace Im.Orleans.Grains.Conversations;

/// <summary>Service conversations: the desk serving it when a transfer moved it away from the desk its id names.</summary>
internal sealed partial class ConversationState
{
    /// <summary>Null while the home desk (the one in the id) serves it.</summary>
    public string? ServingDeskId { get; set; }

    /// <summary>The transfer (or requeue) that last moved it, so a repeated hand-over is recognised.</summary>
    public string? DeskTransferId { get; set; }
}
