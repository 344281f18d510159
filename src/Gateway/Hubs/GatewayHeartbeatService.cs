using Im.Orleans.Grains;
using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Heartbeats the gateway registry so silos learn within seconds when this process dies. If the registry had
/// declared it dead (a pause longer than the death timeout), silos dropped its connections: refresh them at once.
/// The reply also carries the silos' membership: when it changed, user grains may have moved (refresh), and when
/// a silo left, calls in flight to it get no answer (raise the silo-loss signal). An Orleans client sees silos only
/// through the gateways it happens to be connected to, so this is the reliable way to learn either.
/// On a graceful stop it leaves the registry.
/// </summary>
public sealed class GatewayHeartbeatService(
    IGrainFactory grains, GatewayIdentity identity, ConnectionRefreshService refresh, SiloLossSignal siloLoss,
    IOptions<GatewayLivenessOptions> options, TimeProvider time, ILogger<GatewayHeartbeatService> logger) : BackgroundService
{
    private HeartbeatReply? _last;

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
                    OnReply(await Registry.Heartbeat(identity.Id));
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

    private void OnReply(HeartbeatReply reply)
    {
        var previous = _last;
        _last = reply;
        if (previous is not null && reply.ActiveSilos < previous.ActiveSilos)
        {
            logger.LogInformation("Active silos went from {Previous} to {Current}: calls in flight end now", previous.ActiveSilos, reply.ActiveSilos);
            siloLoss.Raise();
        }
        if (reply.WasDeclaredDead || (previous is not null && reply.MembershipVersion != previous.MembershipVersion)) refresh.RequestRefresh();
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
