using Im.Orleans.Grains.Desks.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>The agent's entries in the audit log.</summary>
internal sealed partial class AgentGrain
{
    /// <summary>Appends after the change is stored; a failed append is logged, not thrown (the change stands either way).</summary>
    private async Task AuditAsync(string action, string details)
    {
        try
        {
            var log = ServiceProvider.GetRequiredService<IAuditLog>();
            // Status is the agent's own, not one desk's; the desk id stays empty and queries by actor find it.
            await log.AppendAsync(new AuditEntry(0, _time.GetUtcNow(), AgentId, "", action, AgentId, details));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Agent {Agent} could not audit {Action} ({Details})", AgentId, action, details);
        }
    }
}
