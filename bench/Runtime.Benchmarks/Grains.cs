using System.Threading.Channels;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>The call every throughput scenario makes; grains, plain objects and channel actors all implement it.</summary>
public interface IBenchGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);
}

/// <summary>A non-reentrant grain with a trivial method.</summary>
public sealed class BenchGrain : Grain, IBenchGrain
{
    private int _value;

    public Task<int> Add(int amount) => Task.FromResult(_value += amount);
}

/// <summary>For activation rate and memory: a grain class that declares no fields at all.</summary>
public interface IEmptyGrain : IGrainWithStringKey
{
    Task Ping();
}

public sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task Ping() => Task.CompletedTask;
}

/// <summary>The same object shape as <see cref="EmptyGrain"/> (the Grain base class holds one reference), without a runtime.</summary>
internal sealed class PlainEmpty(object? activation)
{
    public object? Activation { get; } = activation;
}

/// <summary>Baseline (a), the ceiling: an async interface call on a plain object, no runtime in between.</summary>
internal sealed class PlainCounter : IBenchGrain
{
    private int _value;

    public Task<int> Add(int amount) => Task.FromResult(Interlocked.Add(ref _value, amount));
}

/// <summary>
/// Baseline (b), the naive actor: an unbounded channel drained by one reader loop, one request at a time, answered
/// through a TaskCompletionSource. Continuations run asynchronously, as the runtime's do, so callers never run
/// inside the actor's loop.
/// </summary>
internal sealed class ChannelActor : IBenchGrain
{
    private readonly Channel<(int Amount, TaskCompletionSource<int> Reply)> _inbox =
        Channel.CreateUnbounded<(int, TaskCompletionSource<int>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private int _value;

    public ChannelActor() => _loop = Task.Run(RunAsync);

    public Task<int> Add(int amount)
    {
        var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inbox.Writer.TryWrite((amount, reply))) reply.SetException(new ObjectDisposedException(nameof(ChannelActor)));
        return reply.Task;
    }

    public Task StopAsync()
    {
        _inbox.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
        var reader = _inbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var request)) request.Reply.SetResult(_value += request.Amount);
        }
    }
}
