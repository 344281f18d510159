using Im.Orleans.Concurrency;

namespace Im.Orleans.Runtime.Tests.Grains;

/// <summary>A non-reentrant grain that measures how many of its turns ever overlap.</summary>
public interface ITurnGrain : IGrainWithStringKey
{
    Task Work(int yields);
    Task<int> MaxConcurrency();
    Task Append(int value);
    [OneWay] Task AppendOneWay(int value);
    Task<List<int>> Appended();
    Task Block(string gate);
    [AlwaysInterleave] Task<int> Interleaved();
    [ReadOnly] Task<int> ReadSlow(string gate);
    Task<int> Write();
    [ResponseTimeout("00:00:00.300")] Task SlowWithShortTimeout(int millis);
}

public sealed class TurnGrain : Grain, ITurnGrain
{
    private readonly List<int> _appended = [];
    private int _inside;
    private int _max;
    private int _writes;

    public async Task Work(int yields)
    {
        var now = Interlocked.Increment(ref _inside);
        _max = Math.Max(_max, now);
        for (var i = 0; i < yields; i++)
        {
            if (i % 2 == 0) await Task.Yield();
            else await Task.Delay(1);
            _max = Math.Max(_max, Volatile.Read(ref _inside));
        }
        Interlocked.Decrement(ref _inside);
    }

    public Task<int> MaxConcurrency() => Task.FromResult(_max);

    public Task Append(int value)
    {
        _appended.Add(value);
        return Task.CompletedTask;
    }

    public Task AppendOneWay(int value) => Append(value);

    public Task<List<int>> Appended() => Task.FromResult(_appended.ToList());

    public Task Block(string gate) => Gates.Get(gate).Task;

    public Task<int> Interleaved() => Task.FromResult(_writes);

    public async Task<int> ReadSlow(string gate)
    {
        await Gates.Get(gate).Task;
        return _writes;
    }

    public Task<int> Write() => Task.FromResult(++_writes);

    public Task SlowWithShortTimeout(int millis) => Task.Delay(millis);
}

/// <summary>Named gates tests open to release grain code that waits on them.</summary>
public static class Gates
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> s_gates = new();

    public static TaskCompletionSource Get(string name) => s_gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void Open(string name) => Get(name).TrySetResult();
}
