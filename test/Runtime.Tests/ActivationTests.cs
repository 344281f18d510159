using Im.Orleans.Runtime.Tests.Grains;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class ActivationTests
{
    private static void OnlyExplicitCollection(Hosting.ISiloBuilder silo) =>
        Hosting.SiloHostingExtensions.Configure<Configuration.GrainCollectionOptions>(silo, o => o.CollectionQuantum = TimeSpan.FromDays(1));

    [Fact]
    public async Task GetGrain_creates_nothing_and_the_first_call_activates()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("a");
        Assert.Equal(0, silo.ActivationCount);

        Assert.Equal(5, await grain.Add(5));
        Assert.Equal(1, silo.ActivationCount);
        Assert.Equal(1, silo.Log().ActivationsOf(new GrainId("counter", "a")));
        Assert.Equal(7, await grain.Add(2));
        Assert.Equal(1, silo.Log().ActivationsOf(new GrainId("counter", "a")));
    }

    [Fact]
    public async Task Idle_activations_are_collected_after_the_collection_age_and_busy_ones_stay()
    {
        await using var silo = TestSilo.Create(OnlyExplicitCollection);
        await silo.GetGrain<ICounterGrain>("idle").Add(1);
        await silo.AdvanceTimeAsync(TimeSpan.FromMinutes(10));
        await silo.GetGrain<ICounterGrain>("busy").Add(1);
        Assert.Equal(0, await silo.CollectIdleAsync());

        await silo.AdvanceTimeAsync(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await silo.CollectIdleAsync());
        Assert.False(silo.IsActive<CounterGrain>("idle"));
        Assert.True(silo.IsActive<CounterGrain>("busy"));
        var (grain, reason) = Assert.Single(silo.Log().Deactivations);
        Assert.Equal("idle", grain.Key);
        Assert.Equal(DeactivationReasonCode.ActivationIdle, reason.ReasonCode);
    }

    [Fact]
    public async Task The_collector_timer_runs_on_the_injected_clock()
    {
        await using var silo = TestSilo.Create();
        await silo.GetGrain<ICounterGrain>("x").Add(1);
        await silo.AdvanceTimeAsync(TimeSpan.FromMinutes(17));
        await silo.QuiesceAsync();
        Assert.False(silo.IsActive<CounterGrain>("x"));
    }

    [Fact]
    public async Task DelayDeactivation_holds_an_idle_activation_back()
    {
        await using var silo = TestSilo.Create(OnlyExplicitCollection);
        await silo.GetGrain<ITimerGrain>("kept").DelayDeactivationFor(60);
        await silo.AdvanceTimeAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await silo.CollectIdleAsync());
        await silo.AdvanceTimeAsync(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await silo.CollectIdleAsync());
    }

    [Fact]
    public async Task DeactivateOnIdle_ends_the_activation_after_the_request_and_the_next_call_gets_a_new_one()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("d");
        Assert.Equal(1, await grain.ActivationNumber());
        await grain.Deactivate();
        await silo.QuiesceAsync();
        Assert.False(silo.IsActive<CounterGrain>("d"));
        Assert.Equal(2, await grain.ActivationNumber());
        Assert.Equal(DeactivationReasonCode.ApplicationRequested, Assert.Single(silo.Log().Deactivations).Reason.ReasonCode);
    }

    [Fact]
    public async Task Calls_queued_behind_a_deactivation_are_served_by_the_next_activation()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("q");
        await grain.Add(1);
        var deactivate = grain.Deactivate();
        var afterwards = Enumerable.Range(0, 50).Select(_ => grain.ActivationNumber()).ToList();
        await deactivate;
        var numbers = await Task.WhenAll(afterwards);
        Assert.All(numbers, n => Assert.Equal(2, n));
    }

    [Fact]
    public async Task Shutdown_deactivates_every_grain_gracefully()
    {
        var silo = TestSilo.Create();
        var log = silo.Log();
        for (var i = 0; i < 20; i++) await silo.GetGrain<ICounterGrain>($"s{i}").Add(1);
        await silo.DisposeAsync();
        Assert.Equal(20, log.Deactivations.Count);
        Assert.All(log.Deactivations, d => Assert.Equal(DeactivationReasonCode.ShuttingDown, d.Reason.ReasonCode));
    }

    [Fact]
    public async Task Stateless_workers_serve_one_id_with_several_activations_up_to_the_limit()
    {
        await using var silo = TestSilo.Create();
        var worker = silo.GetGrain<IWorkerGrain>("pool");
        var gate = Guid.NewGuid().ToString();
        var calls = Enumerable.Range(0, 6).Select(_ => worker.Identity(gate)).ToList();
        await Task.Delay(50);
        Gates.Open(gate);
        var identities = await Task.WhenAll(calls);
        Assert.Equal(3, identities.Distinct().Count());
    }

    [Fact]
    public async Task Guid_and_integer_keys_name_distinct_grains_and_read_back_as_keys()
    {
        await using var silo = TestSilo.Create();
        var id = Guid.NewGuid();
        Assert.Equal(id, await silo.GrainFactory.GetGrain<IGuidKeyGrain>(id).Key());
        Assert.Equal(-42L, await silo.GrainFactory.GetGrain<IIntegerKeyGrain>(-42).Key());
        Assert.Equal(long.MaxValue, await silo.GrainFactory.GetGrain<IIntegerKeyGrain>(long.MaxValue).Key());
        Assert.Equal(3, silo.ActivationCount);
    }
}
