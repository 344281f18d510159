namespace Im.Orleans.Grains.Desks;

/// <summary>The desk's visitor blacklist: agents block, supervisors lift, expiry by the injected clock.</summary>
internal sealed partial class DeskGrain
{
    private const int MaxReasonLength = 500;
    private static readonly TimeSpan MaxBlock = TimeSpan.FromDays(3650);

    public Task<BlacklistEntry> Block(string visitorId, string reason, string blockedBy, DateTimeOffset? until) => BlockAsync(visitorId, reason, blockedBy, until, asOperator: false);

    public Task<BlacklistEntry> BlockFor(string visitorId, string reason, string blockedBy, TimeSpan? duration, bool asOperator)
    {
        if (duration is { } d && (d <= TimeSpan.Zero || d > MaxBlock)) throw ChatException.Invalid("A block lasts from a second to ten years (or until lifted).");
        return BlockAsync(visitorId, reason, blockedBy, duration is { } length ? _time.GetUtcNow() + length : null, asOperator);
    }

    private async Task<BlacklistEntry> BlockAsync(string visitorId, string reason, string blockedBy, DateTimeOffset? until, bool asOperator)
    {
        if (string.IsNullOrWhiteSpace(visitorId)) throw ChatException.Invalid("Name the visitor to block.");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength) throw ChatException.Invalid($"A block needs a reason of at most {MaxReasonLength} characters.");
        var settings = State.Settings ?? throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        if (string.IsNullOrWhiteSpace(blockedBy) || !(asOperator || IsStaff(settings, blockedBy))) throw ChatException.Forbidden($"Only agents and supervisors of desk '{DeskId}' block visitors.");
        var now = _time.GetUtcNow();
        if (until is { } end && end <= now) throw ChatException.Invalid("A block must last into the future.");
        var entry = new BlacklistEntry(visitorId, reason, blockedBy, now, until);
        PruneExpiredBlocks(now);
        State.Blocked[visitorId] = entry;
        await _state.WriteStateAsync();
        await AuditAsync(blockedBy, AuditActions.Block, visitorId, until is null ? reason : $"{reason} (until {until:O})");
        return entry;
    }

    public Task<bool> Unblock(string visitorId, string liftedBy) => UnblockAs(visitorId, liftedBy, asOperator: false);

    public async Task<bool> UnblockAs(string visitorId, string liftedBy, bool asOperator)
    {
        var settings = State.Settings ?? throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        if (string.IsNullOrWhiteSpace(liftedBy) || !(asOperator || settings.Supervisors.Contains(liftedBy, StringComparer.Ordinal)))
        {
            throw ChatException.Forbidden($"Only supervisors of desk '{DeskId}' lift blocks.");
        }
        var now = _time.GetUtcNow();
        var wasInForce = State.Blocked.TryGetValue(visitorId ?? "", out var entry) && entry.InForce(now);
        var pruned = PruneExpiredBlocks(now);
        if (!wasInForce && !pruned) return false;
        if (wasInForce) State.Blocked.Remove(visitorId!);
        await _state.WriteStateAsync();
        if (wasInForce) await AuditAsync(liftedBy, AuditActions.Unblock, visitorId!, null);
        return wasInForce;
    }

    public Task<IReadOnlyList<BlacklistEntry>> ListBlocked()
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<BlacklistEntry> inForce = [.. State.Blocked.Values.Where(e => e.InForce(now)).OrderByDescending(e => e.BlockedAt).ThenBy(e => e.VisitorId, StringComparer.Ordinal)];
        return Task.FromResult(inForce);
    }

    /// <summary>Refuses a blocked visitor's new chat with a message the widget can show (the reason stays with the staff).</summary>
    private void ThrowIfBlocked(string visitorId)
    {
        if (!State.Blocked.TryGetValue(visitorId, out var entry) || !entry.InForce(_time.GetUtcNow())) return;
        var until = entry.Until is { } end ? $" until {end:yyyy-MM-dd HH:mm} UTC" : "";
        throw ChatException.Forbidden($"Visitor '{visitorId}' is blocked from desk '{DeskId}'{until}.");
    }

    private static bool IsStaff(DeskSettings settings, string? userId) =>
        !string.IsNullOrWhiteSpace(userId)
        && (settings.Agents.Contains(userId, StringComparer.Ordinal) || settings.Supervisors.Contains(userId, StringComparer.Ordinal));

    /// <summary>Drops expired entries from the state (written by the caller); true when any went.</summary>
    private bool PruneExpiredBlocks(DateTimeOffset now)
    {
        var expired = State.Blocked.Where(p => !p.Value.InForce(now)).Select(p => p.Key).ToList();
        foreach (var visitor in expired) State.Blocked.Remove(visitor);
        return expired.Count > 0;
    }
}
