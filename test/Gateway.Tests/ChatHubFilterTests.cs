using System.Diagnostics.Metrics;
using System.Security.Claims;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Im.Orleans.Gateway.Tests;

/// <summary>The hub filter alone, with a stand-in for the hub method: which failures it retries, what a client sees, the per-connection call limit.</summary>
public sealed class ChatHubFilterTests : IDisposable
{
    private readonly SiloLossSignal _siloLoss = new();
    private readonly ManualClock _clock = new();
    private readonly ChatHubOptions _options = new() { InvocationsPerSecond = 10, InvocationBurst = 3 };
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Operation, string Code)> _refusals = new();

    public ChatHubFilterTests()
    {
        var factory = _meters.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other tests' gateways publish the same meter name in this process.
            if (instrument.Meter.Scope == factory && instrument.Name == "im.gateway.refusals") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var tagged = tags.ToArray().ToDictionary(t => t.Key, t => (string)t.Value!);
            lock (_refusals) _refusals.Add((tagged["operation"], tagged["code"]));
        });
        _listener.Start();
        Metrics = new GatewayMetrics(factory);
    }

    private GatewayMetrics Metrics { get; }

    [Fact]
    public async Task A_read_that_fails_while_a_silo_fails_over_is_answered_by_a_later_try()
    {
        var calls = 0;
        var result = await Filter().InvokeMethodAsync(Invocation(nameof(StandInHub.History)), _ =>
            ++calls < 3 ? ValueTask.FromException<object?>(new SiloUnavailableException()) : ValueTask.FromResult<object?>("page"));
        Assert.Equal(("page", 3), (result, calls));
    }

    [Fact]
    public async Task A_read_in_flight_when_the_gateway_loses_a_silo_runs_again_at_once()
    {
        var calls = 0;
        var stuck = new TaskCompletionSource<object?>();
        var answer = Filter().InvokeMethodAsync(Invocation(nameof(StandInHub.History)), _ =>
            ++calls == 1 ? new ValueTask<object?>(stuck.Task) : ValueTask.FromResult<object?>("page")).AsTask();
        await Task.Delay(50);
        Assert.False(answer.IsCompleted);

        _siloLoss.Raise();
        Assert.Equal("page", await answer.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_write_is_not_retried_here_the_client_sees_unavailable_and_retries_with_its_clientMsgId()
    {
        var calls = 0;
        var refused = await Assert.ThrowsAsync<HubException>(async () => await Filter().InvokeMethodAsync(Invocation(nameof(StandInHub.Send)), _ =>
        {
            calls++;
            return ValueTask.FromException<object?>(new TimeoutException());
        }));
        Assert.StartsWith("unavailable:", refused.Message);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_refusal_keeps_its_code_and_is_not_retried()
    {
        var calls = 0;
        var refused = await Assert.ThrowsAsync<HubException>(async () => await Filter().InvokeMethodAsync(Invocation(nameof(StandInHub.History)), _ =>
        {
            calls++;
            return ValueTask.FromException<object?>(ChatException.Forbidden("not a member"));
        }));
        Assert.Equal(("forbidden: not a member", 1), (refused.Message, calls));
    }

    [Fact]
    public async Task Calls_beyond_the_connection_bucket_are_rate_limited_with_the_wait()
    {
        var filter = Filter();
        var connection = new StandInCallerContext();
        for (var i = 0; i < 3; i++) Assert.Equal("page", await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), connection), Answer));

        var refused = await Assert.ThrowsAsync<HubException>(async () => await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), connection), Answer));
        // 10 per second: the next token is 100 ms away.
        Assert.Equal("rate_limited: too many calls on this connection; retry after 100 ms", refused.Message);

        _clock.Advance(TimeSpan.FromMilliseconds(60));
        refused = await Assert.ThrowsAsync<HubException>(async () => await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), connection), Answer));
        Assert.Equal("rate_limited: too many calls on this connection; retry after 40 ms", refused.Message);
        _clock.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal("page", await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), connection), Answer));
        Assert.Equal([("History", "rate_limited"), ("History", "rate_limited")], _refusals);
    }

    [Fact]
    public async Task Each_connection_has_its_own_bucket_which_goes_with_it()
    {
        var filter = Filter();
        var flooding = new StandInCallerContext();
        var quiet = new StandInCallerContext();
        await filter.OnConnectedAsync(new HubLifetimeContext(flooding, new EmptyServices(), new StandInHub()), _ => Task.CompletedTask);
        for (var i = 0; i < 3; i++) await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), flooding), Answer);
        await Assert.ThrowsAsync<HubException>(async () => await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), flooding), Answer));

        // The same user's other connection is not charged for it.
        Assert.Equal("page", await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History), quiet), Answer));

        Assert.Single(flooding.Items);
        await filter.OnDisconnectedAsync(new HubLifetimeContext(flooding, new EmptyServices(), new StandInHub()), null, (_, _) => Task.CompletedTask);
        Assert.Empty(flooding.Items);
    }

    [Fact]
    public async Task Every_coded_answer_is_counted_by_method_and_code()
    {
        var filter = Filter();
        await Assert.ThrowsAsync<HubException>(async () => await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.History)), _ =>
            ValueTask.FromException<object?>(ChatException.NotFound("no such conversation"))));
        await Assert.ThrowsAsync<HubException>(async () => await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.Send)), _ =>
            ValueTask.FromException<object?>(HubErrors.Invalid("text is required"))));
        var failed = await Assert.ThrowsAsync<HubException>(async () => await filter.InvokeMethodAsync(Invocation(nameof(StandInHub.Send)), _ =>
            ValueTask.FromException<object?>(new NullReferenceException())));
        Assert.Equal("internal: the request failed, try again", failed.Message);

        Assert.Equal([("History", "not_found"), ("Send", "invalid"), ("Send", "internal")], _refusals);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
    }

    private static ValueTask<object?> Answer(HubInvocationContext _) => ValueTask.FromResult<object?>("page");

    private ChatHubFilter Filter() =>
        new(_siloLoss, Metrics, new StaticOptions(_options), _clock, NullLogger<ChatHubFilter>.Instance);

    private static HubInvocationContext Invocation(string method, HubCallerContext? connection = null) =>
        new(connection ?? new StandInCallerContext(), new EmptyServices(), new StandInHub(), typeof(StandInHub).GetMethod(method)!, []);

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private sealed class StaticOptions(ChatHubOptions value) : IOptionsMonitor<ChatHubOptions>
    {
        public ChatHubOptions CurrentValue => value;

        public ChatHubOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ChatHubOptions, string?> listener) => null;
    }

    private sealed class StandInHub : Hub
    {
        public static string History() => "";

        public static string Send() => "";
    }

    private sealed class StandInCallerContext : HubCallerContext
    {
        public override string ConnectionId => "c1";
        public override string? UserIdentifier => "alice";
        public override ClaimsPrincipal? User => null;
        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
        public override IFeatureCollection Features { get; } = new FeatureCollection();
        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
