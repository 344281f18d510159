using Im.Orleans.Hosting;
using Im.Orleans.Runtime.Tests.Grains;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class CallContextTests
{
    [Fact]
    public async Task RequestContext_flows_to_the_grain_and_on_down_the_call_chain()
    {
        await using var silo = TestSilo.Create();
        RequestContext.Set("trace", "t-123");
        try
        {
            Assert.Equal("t-123", await silo.GetGrain<ICounterGrain>("rc1").ReadRequestContext("trace"));
            Assert.Equal("t-123", await silo.GetGrain<ICounterGrain>("rc1").ReadRequestContextThrough("rc2", "trace"));
        }
        finally
        {
            RequestContext.Clear();
        }
        Assert.Null(await silo.GetGrain<ICounterGrain>("rc1").ReadRequestContext("trace"));
    }

    [Fact]
    public async Task Incoming_call_filters_see_each_request_in_order_and_may_replace_the_result()
    {
        var seen = new List<string>();
        await using var silo = TestSilo.Create(s => s
            .AddIncomingGrainCallFilter(new RecordingFilter("outer", seen))
            .AddIncomingGrainCallFilter(new DoublingFilter(seen)));
        Assert.Equal(10, await silo.GetGrain<ICounterGrain>("flt").Add(5));
        lock (seen) Assert.Equal(["outer:Add", "double:Add:ICounterGrain.Add"], seen);
    }

    [Fact]
    public async Task A_filter_can_refuse_a_call_with_an_exception_the_caller_sees()
    {
        await using var silo = TestSilo.Create(s => s.AddIncomingGrainCallFilter(new RefusingFilter()));
        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => silo.GetGrain<ICounterGrain>("no").Add(1));
        Assert.Equal("forbidden: Add", error.Message);
    }

    [Fact]
    public async Task Local_calls_hand_over_the_objects_themselves_without_serializing()
    {
        await using var silo = TestSilo.Create();
        var list = new List<int> { 1, 2, 3 };
        LocalCallProbe.Last = list;
        Assert.True(await silo.GetGrain<ICounterGrain>("local").SameInstance(list, 3));
        var note = await silo.GetGrain<ICounterGrain>("local").Echo(new Note("ann", "hi", 1));
        Assert.Equal(new Note("ann", "hi!", 1), note);
    }

    private sealed class RecordingFilter(string name, List<string> seen) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            lock (seen) seen.Add($"{name}:{context.MethodName}");
            return context.Invoke();
        }
    }

    private sealed class DoublingFilter(List<string> seen) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            lock (seen) seen.Add($"double:{context.InterfaceMethod.Name}:{context.Request}");
            await context.Invoke();
            context.Result = (int)context.Result! * 2;
        }
    }

    private sealed class RefusingFilter : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) => throw new UnauthorizedAccessException($"forbidden: {context.MethodName}");
    }
}
