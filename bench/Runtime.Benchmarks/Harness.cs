using System.Diagnostics;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>One timed run: its rate and, per operation, bytes allocated (all threads), thread-pool work items and contended lock entries.</summary>
internal readonly record struct Sample(double PerSecond, double BytesPerOp, double WorkItemsPerOp, double ContentionsPerOp, long Operations, int Gen0, int Gen2);

/// <summary>Median of repeated samples, with the spread (min, max) of the rate.</summary>
internal sealed record Measured(Sample Median, double MinPerSecond, double MaxPerSecond)
{
    public static Measured Of(IReadOnlyList<Sample> samples)
    {
        var ordered = samples.OrderBy(s => s.PerSecond).ToArray();
        return new Measured(ordered[ordered.Length / 2], ordered[0].PerSecond, ordered[^1].PerSecond);
    }
}

internal static class Harness
{
    /// <summary>Runs <paramref name="callers"/> loops, each awaiting one call at a time, for <paramref name="duration"/>.</summary>
    public static async Task<Sample> RunCallersAsync(IBenchGrain[] targets, int callers, TimeSpan duration)
    {
        var stop = new StopFlag();
        var counter = new Counter();
        var loops = new Task<long>[callers];
        for (var i = 0; i < callers; i++)
        {
            var index = i;
            loops[i] = Task.Run(() => CallLoopAsync(targets, index, callers, stop));
        }

        // A dedicated thread ends the run: a thread-pool timer could be starved by callers that never yield (the direct baseline).
        var stopper = new Thread(() =>
        {
            Thread.Sleep(duration);
            stop.Stopped = true;
        }) { IsBackground = true };
        stopper.Start();
        var counts = await Task.WhenAll(loops).ConfigureAwait(false);
        return counter.Finish(counts.Sum());
    }

    private static async Task<long> CallLoopAsync(IBenchGrain[] targets, int index, int callers, StopFlag stop)
    {
        long calls = 0;
        var target = index % targets.Length;
        while (!stop.Stopped)
        {
            var result = await targets[target].Add(1).ConfigureAwait(false);
            if (result < 0) throw new InvalidOperationException("Counter overflowed.");
            calls++;
            target += callers;
            if (target >= targets.Length) target %= targets.Length;
        }
        return calls;
    }

    /// <summary>Calls Ping on a new grain for every key, at most <paramref name="concurrency"/> calls outstanding.</summary>
    public static async Task<Sample> ActivateAsync(IGrainFactory factory, string[] keys, int concurrency)
    {
        var next = -1;
        var counter = new Counter();
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < keys.Length) await factory.GetGrain<IEmptyGrain>(keys[index]).Ping().ConfigureAwait(false);
            });
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        return counter.Finish(keys.Length);
    }

    /// <summary>Heap bytes after a full, blocking, compacting collection with finalizers run.</summary>
    public static long SettledHeapBytes()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Bytes per instance of the plain object that has the same fields as the empty grain.</summary>
    public static double PlainObjectBytes(int count)
    {
        var holder = new PlainEmpty[count];
        var marker = new object();
        var before = SettledHeapBytes();
        for (var i = 0; i < count; i++) holder[i] = new PlainEmpty(marker);
        var after = SettledHeapBytes();
        GC.KeepAlive(holder);
        return (after - before) / (double)count;
    }

    private sealed class StopFlag
    {
        private volatile bool _stopped;

        public bool Stopped
        {
            get => _stopped;
            set => _stopped = value;
        }
    }

    /// <summary>Snapshots time, allocation, work-item and GC counters at construction; <see cref="Finish"/> turns the deltas into a sample.</summary>
    private sealed class Counter
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly long _bytes = GC.GetTotalAllocatedBytes(precise: false);
        private readonly long _workItems = ThreadPool.CompletedWorkItemCount;
        private readonly long _contentions = Monitor.LockContentionCount;
        private readonly int _gen0 = GC.CollectionCount(0);
        private readonly int _gen2 = GC.CollectionCount(2);

        public Sample Finish(long operations)
        {
            var elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            var bytes = GC.GetTotalAllocatedBytes(precise: false) - _bytes;
            var items = ThreadPool.CompletedWorkItemCount - _workItems;
            var contentions = Monitor.LockContentionCount - _contentions;
            var ops = Math.Max(operations, 1);
            return new Sample(operations / elapsed, bytes / (double)ops, items / (double)ops, contentions / (double)ops, operations,
                GC.CollectionCount(0) - _gen0, GC.CollectionCount(2) - _gen2);
        }
    }
}
