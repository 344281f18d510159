using Im.Orleans.Concurrency;

namespace Im.Orleans.Cluster.Tests.Grains;

/// <summary>A grain that reports where it runs and keeps a persisted counter, so moves and duplicates show.</summary>
public interface IPlacedGrain : IGrainWithStringKey
{
    /// <summary>The node id of the silo running this activation.</summary>
    Task<string> WhereAmI();

    /// <summary>Adds one to the stored counter and returns it.</summary>
    Task<int> Increment();

    Task<int> Get();

    /// <summary>Calls another grain of this type: a grain-to-grain call that may cross silos.</summary>
    Task<string> WhereIs(string otherKey);

    Task Fail(string code, string message);

    Task Subscribe(INoteObserver observer);

    /// <summary>Sends numbered notes 1..count to the subscribed observer.</summary>
    Task Notify(int count);

    /// <summary>The request context value under "trace", as the grain saw it.</summary>
    Task<string?> Trace();

    /// <summary>Waits, then answers the node running it. Read-only: it may run twice, so a lost connection resends it.</summary>
    [ReadOnly] Task<string> WhereAmIAfter(int delayMilliseconds);

    /// <summary>The same, but not read-only: a lost connection fails it.</summary>
    Task<string> WhereAmIAfterWriting(int delayMilliseconds);
}
