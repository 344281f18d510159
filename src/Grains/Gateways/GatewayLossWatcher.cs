using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Gateways;

/// <summary>
/// On every silo, asks the gateway registry which gateways died and tells the user grains of this silo that held
/// connections there, so those connections leave presence within seconds rather than at their expiry.
/// </summary>
internal sealed class GatewayLossWatcher(
    GatewayConnectionIndex index, IGrainFactory grains, IOptions<GatewayLivenessOptions> options, TimeProvider time,
    ILogger<GatewayLossWatcher> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private HashSet<string> _handled = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GatewayLossWatcher), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(WatchAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync()
    {
        var registry = grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key);
        using var timer = new PeriodicTimer(options.Value.CheckPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    DropConnectionsOf(await registry.DeadGateways());
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    // The registry may be moving to another silo; the next tick asks again.
                    logger.LogDebug(e, "Asking the gateway registry for dead gateways failed");
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void DropConnectionsOf(IReadOnlyList<string> dead)
    {
        foreach (var gateway in dead)
        {
            if (_handled.Contains(gateway)) continue;
            var users = index.UsersOn(gateway);
            if (users.Count > 0) logger.LogInformation("Gateway {Gateway} is dead: dropping its connections from {Count} users", gateway, users.Count);
            foreach (var user in users) _ = DropAsync(user, gateway);
        }
        // Only what the registry still lists can come again; forgetting the rest keeps this set bounded.
        _handled = new HashSet<string>(dead, StringComparer.Ordinal);
    }

    private async Task DropAsync(string userId, string gatewayId)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).GatewayLost(gatewayId);
        }
        catch (Exception e)
        {
            // The connections still expire on their own; this only made it faster.
            logger.LogWarning(e, "Dropping the connections of {UserId} on dead gateway {Gateway} failed", userId, gatewayId);
        }
    }
}
