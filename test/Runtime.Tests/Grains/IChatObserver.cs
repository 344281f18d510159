using Im.Orleans.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Im.Orleans.Runtime.Tests.Grains;

public interface IChatObserver : IGrainObserver
{
    void Received(string room, int sequence);
}

public interface IRoomGrain : IGrainWithStringKey
{
    Task Subscribe(IChatObserver observer);
    /// <summary>Publishes <paramref name="count"/> numbered messages; returns how many observers remain subscribed.</summary>
    Task<int> Publish(int count);
}

public sealed class RoomGrain : Grain, IRoomGrain
{
    private readonly ObserverManager<IChatObserver> _observers = new(TimeSpan.FromMinutes(5), NullLogger.Instance);
    private int _sequence;

    public Task Subscribe(IChatObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task<int> Publish(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var sequence = ++_sequence;
            _observers.Notify(o => o.Received(GetPrimaryKeyString(), sequence));
        }
        return Task.FromResult(_observers.Count);
    }
}
