using Im.Orleans.Runtime.Tests.Grains;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class TimerTests
{
    [Fact]
    public async Task Ticks_follow_the_injected_clock()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITimerGrain>("clock");
        await grain.Start(periodSeconds: 10, keepAlive: false, gate: null);
        await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await grain.Ticks());
        for (var i = 0; i < 3; i++) await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, await grain.Ticks());
    }

    [Fact]
    public async Task A_slow_tick_is_never_overlapped_by_the_next()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITimerGrain>("slow");
        var gate = Guid.NewGuid().ToString();
        await grain.Start(periodSeconds: 1, keepAlive: false, gate: gate);
        silo.Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++) silo.Time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Gates.Open(gate);
        await silo.QuiesceAsync();
        Assert.Equal(1, await grain.Ticks());
        Assert.Equal(1, await grain.MaxOverlap());
        await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await grain.Ticks());
    }

    [Fact]
    public async Task A_tick_waits_for_the_running_request_like_any_turn()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITimerGrain>("turn");
        await grain.Start(periodSeconds: 1, keepAlive: false, gate: null);
        var gate = Guid.NewGuid().ToString();
        var holding = grain.HoldTurn(gate);
        silo.Time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Gates.Open(gate);
        await holding;
        await silo.QuiesceAsync();
        Assert.False(await grain.TickRanDuringRequest());
        Assert.Equal(1, await grain.Ticks());
    }

    [Fact]
    public async Task Timers_stop_when_disposed_and_when_the_activation_deactivates()
    {
        await using var silo = TestSilo.Create();
        var stopped = silo.GetGrain<ITimerGrain>("stopped");
        await stopped.Start(1, false, null);
        await stopped.StopTimer();
        await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await stopped.Ticks());

        var gone = silo.GetGrain<ITimerGrain>("gone");
        await gone.Start(1, false, null);
        var armedBefore = silo.Time.ActiveTimerCount;
        await gone.Deactivate();
        await silo.QuiesceAsync();
        Assert.Equal(armedBefore - 1, silo.Time.ActiveTimerCount);
        await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await gone.Ticks());
    }

    [Fact]
    public async Task Only_keep_alive_timers_hold_an_activation_back_from_collection()
    {
        await using var silo = TestSilo.Create();
        await silo.GetGrain<ITimerGrain>("plain").Start(7, keepAlive: false, gate: null);
        await silo.GetGrain<ITimerGrain>("alive").Start(7, keepAlive: true, gate: null);
        // Step a minute at a time: a tick still running when the collector looks makes it wait for the next round.
        for (var minute = 0; minute < 20; minute++) await silo.AdvanceTimeAsync(TimeSpan.FromMinutes(1));
        Assert.False(silo.IsActive<TimerGrain>("plain"));
        Assert.True(silo.IsActive<TimerGrain>("alive"));
    }

    [Fact]
    public async Task FireAllTimersAsync_runs_every_timer_once_now()
    {
        await using var silo = TestSilo.Create();
        var first = silo.GetGrain<ITimerGrain>("f1");
        var second = silo.GetGrain<ITimerGrain>("f2");
        await first.Start(3600, false, null);
        await second.Start(3600, false, null);
        await silo.FireAllTimersAsync();
        Assert.Equal(1, await first.Ticks());
        Assert.Equal(1, await second.Ticks());
    }

    [Fact]
    public async Task Change_moves_the_next_tick_and_the_period()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITimerGrain>("change");
        await grain.Start(periodSeconds: 100, keepAlive: false, gate: null);
        await grain.ChangeTimer(dueSeconds: 2, periodSeconds: 3);
        await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await grain.Ticks());
        await silo.AdvanceTimeAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(2, await grain.Ticks());
    }
}
