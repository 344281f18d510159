using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Gateways;

/// <summary>
/// Tracks gateway heartbeats in memory and declares a gateway dead once it is silent past the death timeout. Only
/// joins and deaths are written, so heartbeats cost no storage.
/// </summary>
[GrainType("gateway-registry")]
internal sealed class GatewayRegistryGrain : Grain, IGatewayRegistryGrain
{
    // Enough for silos polling every half second to see each death; older entries go first.
    private const int MaxDeadRemembered = 1000;

    private readonly IPersistentState<GatewayRegistryState> _state;
    private readonly GatewayLivenessOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IClusterMembershipService _membership;
    private readonly Dictionary<string, DateTimeOffset> _lastHeard = new(StringComparer.Ordinal);
    private readonly List<string> _dead = [];

    public GatewayRegistryGrain(
        [PersistentState("gateways")] IPersistentState<GatewayRegistryState> state,
        IOptions<GatewayLivenessOptions> options,
        TimeProvider time,
        IClusterMembershipService membership,
        ILogger<GatewayRegistryGrain> logger)
    {
        _membership = membership;
        _state = state;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Gateways known from before this activation get a full timeout to be heard from again.
        var now = _time.GetUtcNow();
        foreach (var gateway in _state.State.Known) _lastHeard[gateway] = now;
        this.RegisterGrainTimer(DeclareSilentDeadAsync, new GrainTimerCreationOptions(_options.CheckPeriod, _options.CheckPeriod) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task<HeartbeatReply> Heartbeat(string gatewayId)
    {
        if (string.IsNullOrWhiteSpace(gatewayId)) throw ChatException.Invalid("A gateway needs an id.");
        _lastHeard[gatewayId] = _time.GetUtcNow();
        var wasDead = _dead.Remove(gatewayId);
        if (wasDead) _logger.LogWarning("Gateway {Gateway} was declared dead but is alive: it refreshes its connections", gatewayId);
        if (!_state.State.Known.Contains(gatewayId))
        {
            _state.State.Known.Add(gatewayId);
            await _state.WriteStateAsync();
        }
        var silos = _membership.CurrentSnapshot;
        return new HeartbeatReply(wasDead, silos.Version.Value, silos.Members.Values.Count(m => m.Status == SiloStatus.Active));
    }

    public async Task Leave(string gatewayId)
    {
        _lastHeard.Remove(gatewayId);
        if (_state.State.Known.Remove(gatewayId)) await _state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> DeadGateways() => Task.FromResult<IReadOnlyList<string>>([.. _dead]);

    public Task<IReadOnlyList<string>> LiveGateways() => Task.FromResult<IReadOnlyList<string>>([.. _lastHeard.Keys.Order(StringComparer.Ordinal)]);

    private async Task DeclareSilentDeadAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - _options.DeathTimeout;
        var silent = _lastHeard.Where(p => p.Value < cutoff).Select(p => p.Key).ToList();
        if (silent.Count == 0) return;
        foreach (var gateway in silent)
        {
            _lastHeard.Remove(gateway);
            _state.State.Known.Remove(gateway);
            _dead.Add(gateway);
            _logger.LogInformation("Gateway {Gateway} is silent for {Timeout}: declared dead", gateway, _options.DeathTimeout);
        }
        if (_dead.Count > MaxDeadRemembered) _dead.RemoveRange(0, _dead.Count - MaxDeadRemembered);
        await _state.WriteStateAsync(cancellationToken);
    }
}
