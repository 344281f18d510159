using Im.Orleans.Runtime.Tests.Grains;
using Im.Orleans.Storage;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class StateTests
{
    [Fact]
    public async Task State_is_loaded_before_activation_and_written_with_the_etag()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("st");
        Assert.Equal(3, await grain.AddAndSave(3));
        Assert.Equal(5, await grain.AddAndSave(2));
        var stored = silo.State<CounterGrain, CounterState>("st");
        Assert.Equal(5, stored!.Value);
        Assert.Equal(["+3", "+2"], stored.History);

        await grain.Deactivate();
        await silo.QuiesceAsync();
        Assert.Equal(5, await grain.Get());
        Assert.Equal(2, silo.Storage.Reads);
        Assert.Equal(2, silo.Storage.Writes);
    }

    [Fact]
    public async Task A_stale_write_throws_InconsistentStateException_and_the_next_call_reads_fresh_state()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("stale");
        await grain.AddAndSave(1);
        // Another process (an older owner, a repair job) moved the record on.
        await silo.WriteStateBehindGrainAsync<CounterGrain, CounterState>("stale", new CounterState { Value = 100 });

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AddAndSave(1));
        await silo.QuiesceAsync();
        Assert.Equal(2, await grain.ActivationNumber());
        Assert.Equal(100, await grain.Get());
        Assert.Equal(101, await grain.AddAndSave(1));
        Assert.Equal(DeactivationReasonCode.ApplicationError, Assert.Single(silo.Log().Deactivations).Reason.ReasonCode);
    }

    [Fact]
    public async Task An_injected_inconsistent_state_error_deactivates_the_activation()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("inject");
        await grain.AddAndSave(1);
        silo.Storage.FailNextWrite();
        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AddAndSave(1));
        await silo.QuiesceAsync();
        Assert.False(silo.IsActive<CounterGrain>("inject"));
        Assert.Equal(1, await grain.Get());
    }

    [Fact]
    public async Task Clearing_state_removes_the_record_and_a_new_activation_starts_fresh()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("clear");
        await grain.AddAndSave(9);
        Assert.False(await grain.ClearAndCheck());
        Assert.Equal(1, silo.Storage.Clears);
        Assert.Null(await silo.StateAsync<CounterGrain, CounterState>("clear"));
        await grain.Deactivate();
        await silo.QuiesceAsync();
        Assert.Equal(0, await grain.Get());
        Assert.Equal(4, await grain.AddAndSave(4));
    }
}
