using Im.Orleans.Runtime.Tests.Grains;
using Im.Orleans.Storage;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task A_grain_exception_reaches_the_caller_with_its_type_and_message()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("f");
        var error = await Assert.ThrowsAsync<TestGrainException>(() => grain.Fail("boom 42"));
        Assert.Equal("boom 42", error.Message);
        Assert.Equal(1, await grain.Add(1));
    }

    [Fact]
    public async Task A_call_to_an_interface_without_implementation_names_the_grain_type()
    {
        await using var silo = TestSilo.Create();
        var error = await Assert.ThrowsAsync<GrainClassNotFoundException>(() => silo.GrainFactory.GetGrain<IUnimplementedGrain>("x").Anything());
        Assert.Contains(typeof(IUnimplementedGrain).FullName!, error.Message);
        Assert.Equal(0, silo.ActivationCount);
    }

    [Fact]
    public async Task An_argument_that_cannot_be_serialized_is_refused_before_it_reaches_the_grain()
    {
        await using var silo = TestSilo.Create();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => silo.GetGrain<ICounterGrain>("s").Take(new NotSerializable(() => { })));
        Assert.Contains(nameof(NotSerializable), error.Message);
        Assert.Contains("Take", error.Message);
        Assert.Equal(0, silo.ActivationCount);
    }

    [Fact]
    public async Task A_failing_OnActivateAsync_fails_the_call_with_the_grain_and_reason_and_leaves_nothing_behind()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<IFlakyActivationGrain>("flaky");
        var error = await Assert.ThrowsAsync<GrainActivationException>(() => grain.Attempt());
        Assert.Contains("flaky", error.Message);
        Assert.Contains("database said no", error.Message);
        Assert.IsType<TestGrainException>(error.InnerException);
        Assert.Equal(0, silo.ActivationCount);
        Assert.Equal(2, await grain.Attempt());
    }

    [Fact]
    public async Task Calls_queued_behind_a_failing_activation_all_fail_clearly()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<IFlakyActivationGrain>("gated-flaky-many");
        var calls = Enumerable.Range(0, 10).Select(_ => grain.Attempt()).ToList();
        Gates.Open("gated-flaky-many");
        foreach (var call in calls) await Assert.ThrowsAsync<GrainActivationException>(() => call);
        Assert.Equal(2, await grain.Attempt());
    }

    [Fact]
    public async Task Storage_that_is_down_fails_activation_with_a_message_naming_grain_and_state()
    {
        await using var silo = TestSilo.Create();
        silo.Storage.FailNextRead(new GrainId("counter", "down"), new IOException("connection refused"));
        var error = await Assert.ThrowsAsync<GrainActivationException>(() => silo.GetGrain<ICounterGrain>("down").Get());
        Assert.Contains("counter/down", error.Message);
        var storageError = Assert.IsType<GrainStorageException>(error.InnerException);
        Assert.Contains("'counter'", storageError.Message);
        Assert.Contains("connection refused", storageError.Message);
        Assert.Equal(0, silo.ActivationCount);
        Assert.Equal(0, await silo.GetGrain<ICounterGrain>("down").Get());
    }
}
