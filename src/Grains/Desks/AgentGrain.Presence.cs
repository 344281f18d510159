using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// Status following the agent's devices and activity (issue 10 item 2): offline when the last device disconnects (the
/// user grain tells this grain one-way, once registered through TrackAgent), away after DeskOptions.AgentIdleTimeout
/// without a hub call or message, online again on the next activity if the away was the idle one.
/// </summary>
internal sealed partial class AgentGrain
{
    private IGrainTimer? _idleCheck;
    private DateTimeOffset _lastActive;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A new activation knows no activity: the idle clock starts now rather than going away at once.
        _lastActive = _time.GetUtcNow();
        FollowStatus();
        return Task.CompletedTask;
    }

    public async Task DevicesGone(DateTimeOffset at)
    {
        if (State.Status == AgentStatus.Offline || at < State.StatusSince) return;
        await ChangeStatusAsync(AgentStatus.Offline, "last device disconnected", idle: false);
    }

    public async Task Active()
    {
        _lastActive = _time.GetUtcNow();
        if (State.Status == AgentStatus.Away && State.AwayForIdle) await ChangeStatusAsync(AgentStatus.Online, "active again", idle: false);
    }

    private async Task<AgentLoad> ChangeStatusAsync(string status, string? why, bool idle)
    {
        if (State.Status == status)
        {
            // The agent confirming the away the idle check chose makes it theirs: activity no longer ends it.
            if (State.AwayForIdle && !idle)
            {
                State.AwayForIdle = false;
                await _state.WriteStateAsync();
            }
            return Load();
        }
        var was = State.Status;
        if (was == AgentStatus.Offline) await RegisterWithUserAsync();
        State.Status = status;
        State.StatusSince = _time.GetUtcNow();
        State.AwayForIdle = idle;
        await _state.WriteStateAsync();
        await AuditAsync(AuditActions.Status, why is null ? $"{was} -> {status}" : $"{was} -> {status} ({why})");
        FollowStatus();
        await TellDesksIfFreeAsync(exceptDesk: null);
        return Load();
    }

    /// <summary>
    /// So the user grain tells this one when the devices are gone. Awaited here; the user grain only ever calls this
    /// grain one-way, so the two cannot deadlock. A failure is logged: the status the agent chose matters more.
    /// </summary>
    private async Task RegisterWithUserAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IUserGrain>(AgentId).TrackAgent();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Agent {Agent} could not register with its user grain; it will not go offline with its devices", AgentId);
        }
    }

    /// <summary>The idle check runs only while the agent is online (and keeps the activation, and so the clock, alive).</summary>
    private void FollowStatus()
    {
        var timeout = _options.AgentIdleTimeout;
        if (State.Status == AgentStatus.Online && timeout > TimeSpan.Zero)
        {
            var period = timeout / 4;
            _idleCheck ??= this.RegisterGrainTimer(CheckIdleAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        }
        else
        {
            _idleCheck?.Dispose();
            _idleCheck = null;
        }
    }

    private async Task CheckIdleAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.AgentIdleTimeout;
        if (State.Status != AgentStatus.Online || timeout <= TimeSpan.Zero || _time.GetUtcNow() - _lastActive < timeout) return;
        await ChangeStatusAsync(AgentStatus.Away, $"idle for {timeout}", idle: true);
    }
}
