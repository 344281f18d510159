using Im.Orleans.Cluster.Tests.Grains;
using Im.Orleans.TestKit.Cluster;

namespace Im.Orleans.Cluster.Tests;

/// <summary>
/// Steady traffic for failover tests: each worker increments its own grains in turn and records every answer and
/// every failure, so a test can compare what callers saw with what the grains stored.
/// </summary>
internal sealed class TrafficLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly Dictionary<string, List<int>> _answers = [];
    private readonly List<(DateTimeOffset At, string Grain, Exception Error)> _failures = [];
    private readonly Dictionary<string, List<DateTimeOffset>> _successTimes = [];

    public TrafficLoop(TestCluster cluster, int grains)
    {
        Keys = [.. Enumerable.Range(0, grains).Select(i => $"traffic-{i}")];
        foreach (var key in Keys)
        {
            _answers[key] = [];
            _successTimes[key] = [];
        }
        _workers = [.. Keys.Select(key => Task.Run(() => RunAsync(cluster, key)))];
    }

    public IReadOnlyList<string> Keys { get; }

    public int Successes
    {
        get
        {
            lock (_answers) return _answers.Values.Sum(a => a.Count);
        }
    }

    public IReadOnlyList<(DateTimeOffset At, string Grain, Exception Error)> Failures
    {
        get
        {
            lock (_answers) return [.. _failures];
        }
    }

    public IReadOnlyList<int> AnswersOf(string key)
    {
        lock (_answers) return [.. _answers[key]];
    }

    /// <summary>How long after <paramref name="after"/> the grain that waited longest was answered again: when service resumed everywhere.</summary>
    public TimeSpan LongestWaitAfter(DateTimeOffset after)
    {
        lock (_answers) return _successTimes.Values.Max(times => times.Where(t => t >= after).DefaultIfEmpty(DateTimeOffset.UtcNow).Min()) - after;
    }

    /// <summary>Waits until every grain has answered at least <paramref name="more"/> more calls.</summary>
    public async Task WaitForProgressAsync(int more, TimeSpan timeout)
    {
        int[] start;
        lock (_answers) start = [.. Keys.Select(k => _answers[k].Count)];
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_answers)
            {
                if (Keys.Select((k, i) => _answers[k].Count - start[i]).All(n => n >= more)) return;
            }
            if (cancel.IsCancellationRequested) throw new TimeoutException($"Traffic did not progress by {more} calls per grain within {timeout}.");
            await Task.Delay(20);
        }
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(TestCluster cluster, string key)
    {
        var grain = cluster.GrainFactory.GetGrain<IPlacedGrain>(key);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var value = await grain.Increment();
                lock (_answers)
                {
                    _answers[key].Add(value);
                    _successTimes[key].Add(DateTimeOffset.UtcNow);
                }
            }
            catch (Exception e)
            {
                lock (_answers) _failures.Add((DateTimeOffset.UtcNow, key, e));
            }
            await Task.Delay(5);
        }
    }
}
