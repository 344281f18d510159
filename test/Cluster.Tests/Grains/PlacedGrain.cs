using System.Collections.Concurrent;
using Im.Orleans.Membership;
using Im.Orleans.Runtime;

namespace Im.Orleans.Cluster.Tests.Grains;

/// <summary>Implements <see cref="IPlacedGrain"/>.</summary>
internal sealed class PlacedGrain(
    [PersistentState("counter")] IPersistentState<CounterState> counter, LocalNodeInfo local) : Grain, IPlacedGrain
{
    private INoteObserver? _observer;

    public Task<string> WhereAmI() => Task.FromResult(local.NodeId);

    public async Task<int> Increment()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Value);

    public Task<string> WhereIs(string otherKey) => GrainFactory.GetGrain<IPlacedGrain>(otherKey).WhereAmI();

    public Task Fail(string code, string message) => throw new CodedException(code, message);

    public Task Subscribe(INoteObserver observer)
    {
        _observer = observer;
        return Task.CompletedTask;
    }

    public Task Notify(int count)
    {
        for (var i = 1; i <= count; i++) _observer?.Note(GetPrimaryKeyString(), i);
        return Task.CompletedTask;
    }

    public Task<string?> Trace() => Task.FromResult(RequestContext.Get("trace") as string);

    /// <summary>How many times WhereAmIAfter(Writing) started, per key, on any silo (a test cluster is one process).</summary>
    public static ConcurrentDictionary<string, int> SlowCallsStarted { get; } = new(StringComparer.Ordinal);

    public async Task<string> WhereAmIAfter(int delayMilliseconds)
    {
        SlowCallsStarted.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
        await Task.Delay(delayMilliseconds);
        return local.NodeId;
    }

    public Task<string> WhereAmIAfterWriting(int delayMilliseconds) => WhereAmIAfter(delayMilliseconds);
}
