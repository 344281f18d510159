using Im.Orleans.TestKit;
using Im.Orleans.Utilities;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

/// <summary>Unit tests of ObserverManager alone, with plain objects as observers.</summary>
public sealed class ObserverManagerTests
{
    [Fact]
    public void Subscriptions_expire_unless_renewed()
    {
        var time = new ManualTimeProvider();
        var manager = new ObserverManager<IListener>(TimeSpan.FromMinutes(1), NullLogger.Instance, time);
        var renewed = new Listener();
        var forgotten = new Listener();
        manager.Subscribe(renewed, renewed);
        manager.Subscribe(forgotten, forgotten);

        time.Advance(TimeSpan.FromSeconds(40));
        manager.Subscribe(renewed, renewed);
        time.Advance(TimeSpan.FromSeconds(40));
        manager.Notify(l => l.Hear("x"));

        Assert.Equal(["x"], renewed.Heard);
        Assert.Empty(forgotten.Heard);
        Assert.Equal(1, manager.Count);
    }

    [Fact]
    public async Task Observers_that_fail_are_dropped_and_the_rest_still_hear()
    {
        var manager = new ObserverManager<IListener>(TimeSpan.FromMinutes(1), NullLogger.Instance);
        var broken = new Listener { Broken = true };
        var healthy = new Listener();
        manager.Subscribe(broken, broken);
        manager.Subscribe(healthy, healthy);

        manager.Notify(l => l.Hear("one"));
        await manager.Notify(l => l.HearAsync("two"));

        Assert.Equal(["one", "two"], healthy.Heard);
        Assert.Equal(1, manager.Count);
    }

    [Fact]
    public void A_predicate_limits_who_is_notified()
    {
        var manager = new ObserverManager<IListener>(TimeSpan.FromMinutes(1), NullLogger.Instance);
        var first = new Listener { Name = "first" };
        var second = new Listener { Name = "second" };
        manager.Subscribe(first, first);
        manager.Subscribe(second, second);
        manager.Notify(l => l.Hear("hi"), l => ((Listener)l).Name == "second");
        Assert.Empty(first.Heard);
        Assert.Equal(["hi"], second.Heard);
    }

    public interface IListener : IGrainObserver
    {
        void Hear(string text);
        Task HearAsync(string text);
    }

    private sealed class Listener : IListener
    {
        public List<string> Heard { get; } = [];
        public bool Broken { get; init; }
        public string Name { get; init; } = "";

        public void Hear(string text)
        {
            if (Broken) throw new InvalidOperationException("client gone");
            Heard.Add(text);
        }

        public Task HearAsync(string text)
        {
            Hear(text);
            return Task.CompletedTask;
        }
    }
}
