namespace Im.Orleans.Grains.Desks;

/// <summary>The agent's own quick replies (the desk's are in its settings); same limits as a desk's.</summary>
internal sealed partial class AgentGrain
{
    public Task<IReadOnlyList<QuickReply>> GetQuickReplies() => Task.FromResult<IReadOnlyList<QuickReply>>([.. State.QuickReplies]);

    public async Task<IReadOnlyList<QuickReply>> SetQuickReplies(IReadOnlyList<QuickReply> replies)
    {
        if (replies is null) throw ChatException.Invalid("Quick replies are a list.");
        DeskSettingsRules.ValidateQuickReplies(replies);
        var changes = QuickReplyChanges(State.QuickReplies, replies);
        State.QuickReplies = [.. replies];
        await _state.WriteStateAsync();
        if (changes.Length > 0) await AuditAsync(AuditActions.QuickReplies, changes);
        return [.. State.QuickReplies];
    }

    // "+thanks -bye ~hello": shortcuts added, removed and rewritten, so the log says what changed without the texts.
    private static string QuickReplyChanges(IReadOnlyList<QuickReply> before, IReadOnlyList<QuickReply> after)
    {
        var old = before.ToDictionary(r => r.Shortcut, r => r.Text, StringComparer.Ordinal);
        var now = after.ToDictionary(r => r.Shortcut, r => r.Text, StringComparer.Ordinal);
        var parts = now.Keys.Where(s => !old.ContainsKey(s)).Select(s => "+" + s)
            .Concat(old.Keys.Where(s => !now.ContainsKey(s)).Select(s => "-" + s))
            .Concat(now.Where(p => old.TryGetValue(p.Key, out var text) && text != p.Value).Select(p => "~" + p.Key));
        return string.Join(' ', parts);
    }
}
