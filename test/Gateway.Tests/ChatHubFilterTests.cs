using System.Security.Claims;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Im.Orleans.Gateway.Tests;

/// <summary>The hub filter alone, with a stand-in for the hub method: which failures it retries and what a client sees.</summary>
public sealed class ChatHubFilterTests
{
    private readonly SiloLossSignal _siloLoss = new();

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

    private ChatHubFilter Filter() => new(_siloLoss, NullLogger<ChatHubFilter>.Instance);

    private static HubInvocationContext Invocation(string method) =>
        new(new StandInCallerContext(), new EmptyServices(), new StandInHub(), typeof(StandInHub).GetMethod(method)!, []);

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
