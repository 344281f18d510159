using Im.Orleans.Grains.Desks.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>The desk's entries in the audit log.</summary>
internal sealed partial class DeskGrain
{
    /// <summary>
    /// Appends after the state change it records is stored. A failed append is logged, not thrown: the change (an
    /// assignment an agent already accepted) cannot be undone, and failing the turn would only make callers retry it.
    /// </summary>
    private async Task AuditAsync(string actor, string action, string target, string? details)
    {
        try
        {
            var log = ServiceProvider.GetRequiredService<IAuditLog>();
            await log.AppendAsync(new AuditEntry(0, _time.GetUtcNow(), actor, DeskId, action, target, details));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Desk {Desk} could not audit {Action} of {Target} by {Actor} ({Details})", DeskId, action, target, actor, details);
        }
    }
}
