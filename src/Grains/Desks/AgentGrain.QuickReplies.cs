namespace Im.Orleans.Grains.Desks;

/// <summary>The agent's own quick replies (the desk's are in its settings); same limits as a desk's.</summary>
internal sealed partial class AgentGrain
{
    public Task<IReadOnlyList<QuickReply>> GetQuickReplies() => Task.FromResult<IReadOnlyList<QuickReply>>([.. State.QuickReplies]);

    public async Task<IReadOnlyList<QuickReply>> SetQuickReplies(IReadOnlyList<QuickReply> replies)
    {
        if (replies is null) throw ChatException.Invalid("Quick replies are a list.");
        DeskSettingsRules.ValidateQuickReplies(replies);
        State.QuickReplies = [.. replies];
        await _state.WriteStateAsync();
        return [.. State.QuickReplies];
    }
}
