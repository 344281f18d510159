namespace Im.Orleans.Grains.Desks;

/// <summary>Service cases at the desk.</summary>
internal sealed partial class DeskState
{
    /// <summary>
    /// Visitor id → the agent who resolved their chat (and when), preferred for it while it waits after the visitor wrote
    /// again within the reopen window. Dropped when the chat is resolved again or no longer waits.
    /// </summary>
    public Dictionary<string, Served> ReopenPreferred { get; set; } = new(StringComparer.Ordinal);
}
