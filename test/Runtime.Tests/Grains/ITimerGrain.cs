namespace Im.Orleans.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(int periodSeconds, bool keepAlive, string? gate);
    Task<int> Ticks();
    Task<int> MaxOverlap();
    Task<bool> TickRanDuringRequest();
    Task HoldTurn(string gate);
    Task StopTimer();
    Task ChangeTimer(int dueSeconds, int periodSeconds);
    Task Deactivate();
    Task DelayDeactivationFor(int minutes);
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private int _ticks;
    private int _inside;
    private int _maxOverlap;
    private bool _inRequest;
    private bool _tickDuringRequest;

    public Task Start(int periodSeconds, bool keepAlive, string? gate)
    {
        var period = TimeSpan.FromSeconds(periodSeconds);
        _timer = RegisterGrainTimer(async (g, ct) =>
        {
            if (_inRequest) _tickDuringRequest = true;
            _maxOverlap = Math.Max(_maxOverlap, Interlocked.Increment(ref _inside));
            _ticks++;
            if (g is not null) await Gates.Get(g).Task;
            Interlocked.Decrement(ref _inside);
        }, gate, new GrainTimerCreationOptions(period, period) { KeepAlive = keepAlive });
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(_ticks);

    public Task<int> MaxOverlap() => Task.FromResult(_maxOverlap);

    public Task<bool> TickRanDuringRequest() => Task.FromResult(_tickDuringRequest);

    public async Task HoldTurn(string gate)
    {
        _inRequest = true;
        await Gates.Get(gate).Task;
        _inRequest = false;
    }

    public Task ChangeTimer(int dueSeconds, int periodSeconds)
    {
        _timer!.Change(TimeSpan.FromSeconds(dueSeconds), TimeSpan.FromSeconds(periodSeconds));
        return Task.CompletedTask;
    }

    public Task StopTimer()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task DelayDeactivationFor(int minutes)
    {
        DelayDeactivation(TimeSpan.FromMinutes(minutes));
        return Task.CompletedTask;
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
