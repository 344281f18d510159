using Im.Orleans.Concurrency;

namespace Im.Orleans.Runtime.Tests.Grains;

public interface IReentrantGrain : IGrainWithStringKey
{
    Task<int> WaitForSignal();
    Task Signal(int value);
    Task<int> MaxParallelThreads();
    Task Busy(int rounds);
}

/// <summary>Requests interleave at awaits; the test checks they still never run on two threads at once.</summary>
[Reentrant]
public sealed class ReentrantGrain : Grain, IReentrantGrain
{
    private readonly TaskCompletionSource<int> _signal = new();
    private int _inside;
    private int _maxParallel;

    public async Task<int> WaitForSignal()
    {
        Enter();
        Exit();
        return await _signal.Task;
    }

    public Task Signal(int value)
    {
        Enter();
        Thread.SpinWait(2000);
        Exit();
        _signal.TrySetResult(value);
        return Task.CompletedTask;
    }

    public Task<int> MaxParallelThreads() => Task.FromResult(_maxParallel);

    public async Task Busy(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            Enter();
            Thread.SpinWait(20_000);
            Exit();
            if (i % 2 == 0) await Task.Yield();
            else await Task.Delay(1);
        }
    }

    private void Enter() => _maxParallel = Math.Max(_maxParallel, Interlocked.Increment(ref _inside));

    private void Exit() => Interlocked.Decrement(ref _inside);
}
