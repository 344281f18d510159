using Im.Orleans.Grains;
using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Heartbeats the gateway registry so silos learn within seconds when this process dies. If the registry had
/// declared it dead (a pause longer than the death timeout), silos dropped its connections: refresh them at once.
/// On a graceful stop it leaves the registry.
/// </summary>
public sealed class GatewayHeartbeatService(
    IGrainFactory grains, GatewayIdentity identity, ConnectionRefreshService refresh, IOptions<GatewayLivenessOptions> options,
    TimeProvider time, ILogger<GatewayHeartbeatService> logger) : BackgroundService
{
    private IGatewayRegistryGrain Registry => grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatPeriod, time);
        var failures = 0;
        try
        {
            do
            {
                try
                {
                    if (await Registry.Heartbeat(identity.Id)) refresh.RequestRefresh();
                    failures = 0;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The registry may be moving to another silo; a missed beat or two is within the death timeout.
                    if (++failures % 10 == 1) logger.LogWarning(e, "Gateway {Gateway}: heartbeat failed ({Failures} in a row)", identity.Id, failures);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await Registry.Leave(identity.Id).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Gateway {Gateway}: leaving the registry failed; it will be declared dead instead", identity.Id);
        }
    }
}
