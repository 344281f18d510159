using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>An agent's own quick replies, offered beside the desk's in the console.</summary>
public partial interface IAgentGrain
{
    [ReadOnly] [Alias("GetQuickReplies")] Task<IReadOnlyList<QuickReply>> GetQuickReplies();

    /// <summary>Replaces the agent's own list (same rules as a desk's: ≤ 200, shortcut 1–32 of [a-z0-9_-] unique, text ≤ 2000).</summary>
    [Alias("SetQuickReplies")] Task<IReadOnlyList<QuickReply>> SetQuickReplies(IReadOnlyList<QuickReply> replies);
}
