using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Utilities;

/// <summary>
/// Keeps a grain's subscribed observers: each subscription expires unless renewed, and an observer whose
/// notification fails is dropped (its client went away). Use from within the grain's turns only.
/// </summary>
public sealed class ObserverManager<TObserver> where TObserver : notnull
{
    private readonly Dictionary<IAddressable, Subscription> _observers = new(new AddressComparer());
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ObserverManager(TimeSpan expiration, ILogger logger, TimeProvider? time = null)
    {
        ExpirationDuration = expiration;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan ExpirationDuration { get; set; }

    public int Count => _observers.Count;

    public IEnumerable<TObserver> Observers => _observers.Values.Select(s => s.Observer);

    /// <summary>Adds the observer or renews its subscription.</summary>
    public void Subscribe(IAddressable address, TObserver observer) => _observers[address] = new Subscription(observer, _time.GetUtcNow());

    public void Unsubscribe(IAddressable address) => _observers.Remove(address);

    public void Clear() => _observers.Clear();

    /// <summary>Removes subscriptions not renewed within <see cref="ExpirationDuration"/>.</summary>
    public void ClearExpired()
    {
        var cutoff = _time.GetUtcNow() - ExpirationDuration;
        foreach (var (address, subscription) in _observers.ToList())
        {
            if (subscription.LastSeen < cutoff) _observers.Remove(address);
        }
    }

    /// <summary>Calls every live observer; observers that throw are removed.</summary>
    public void Notify(Action<TObserver> notification, Func<TObserver, bool>? predicate = null)
    {
        ClearExpired();
        foreach (var (address, subscription) in _observers.ToList())
        {
            if (predicate is not null && !predicate(subscription.Observer)) continue;
            try
            {
                notification(subscription.Observer);
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "Observer {Observer} failed and was removed", address);
                _observers.Remove(address);
            }
        }
    }

    /// <summary>Calls every live observer and waits for each; observers that fail are removed.</summary>
    public async Task Notify(Func<TObserver, Task> notification, Func<TObserver, bool>? predicate = null)
    {
        ClearExpired();
        foreach (var (address, subscription) in _observers.ToList())
        {
            if (predicate is not null && !predicate(subscription.Observer)) continue;
            try
            {
                await notification(subscription.Observer);
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "Observer {Observer} failed and was removed", address);
                _observers.Remove(address);
            }
        }
    }

    private sealed record Subscription(TObserver Observer, DateTimeOffset LastSeen);

    // Two proxies for the same observer are the same subscriber.
    private sealed class AddressComparer : IEqualityComparer<IAddressable>
    {
        public bool Equals(IAddressable? x, IAddressable? y) => x is CodeGeneration.GrainReference a && y is CodeGeneration.GrainReference b ? a.GrainId == b.GrainId : ReferenceEquals(x, y);
        public int GetHashCode(IAddressable obj) => obj is CodeGeneration.GrainReference r ? r.GrainId.GetHashCode() : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
