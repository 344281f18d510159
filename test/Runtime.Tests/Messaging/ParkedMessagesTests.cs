using Im.Orleans.CodeGeneration;
using Im.Orleans.Messaging;
using Im.Orleans.Runtime;
using Im.Orleans.TestKit;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Messaging;

public sealed class ParkedMessagesTests
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(250);
    private readonly ManualTimeProvider _time = new();
    private readonly List<Message> _retried = [];
    private Action<Message>? _routeAgain;

    // The router's Route stands here: it records the retry and, when told, finds nowhere to go and parks again.
    private ParkedMessages Create() => new(_time, m => { _retried.Add(m); _routeAgain?.Invoke(m); }, RetryPeriod, oneWayLimit: TimeSpan.FromSeconds(30));

    private Message NewCall(TimeSpan timeout)
    {
        var request = new NoOpRequest();
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        return new Message(new GrainId("test", "parked"), request, request.CreateCompletionForTest(), deadline, null);
    }

    [Fact]
    public void Nothing_parked_means_no_timer_runs()
    {
        using var parked = Create();

        Assert.Equal(0, _time.ActiveTimerCount);
    }

    [Fact]
    public void A_parked_call_is_routed_again_on_the_next_retry_and_the_timer_stops_once_nothing_waits()
    {
        using var parked = Create();
        var call = NewCall(TimeSpan.FromSeconds(30));

        parked.Park(call, "no silo is active");
        Assert.Equal(1, _time.ActiveTimerCount);
        _time.Advance(RetryPeriod);

        Assert.Equal([call], _retried);
        Assert.Equal(0, parked.Count);
        _time.Advance(RetryPeriod);
        Assert.Equal(0, _time.ActiveTimerCount);
    }

    [Fact]
    public async Task A_call_still_parked_at_its_deadline_fails_with_the_reason()
    {
        using var parked = Create();
        _routeAgain = m => parked.Park(m, "node s2 has not connected");
        var call = NewCall(TimeSpan.FromSeconds(1));
        parked.Park(call, "node s2 has not connected");

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(3, _retried.Count); // at 250, 500 and 750 ms; at 1 s the deadline has come
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => call.Completion!.Task);
        Assert.Contains("node s2 has not connected", error.Message);
        Assert.Equal(0, parked.Count);
    }

    private sealed class NoOpRequest : VoidRequest
    {
        public override Type InterfaceType => typeof(IGrain);
        public override int MethodId => 0;
        public override string MethodName => "NoOp";
        public override int ArgumentCount => 0;
        public override InvokeMethodOptions Options => InvokeMethodOptions.None;
        public override object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));
        public override void SetArgument(int index, object? value) => throw new ArgumentOutOfRangeException(nameof(index));
        public override Type GetArgumentType(int index) => throw new ArgumentOutOfRangeException(nameof(index));
        public override Task InvokeAsync(object target) => Task.CompletedTask;
        public ResponseCompletion CreateCompletionForTest() => CreateCompletion();
    }
}
