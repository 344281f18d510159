using Im.Orleans.Catalog;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime.Tests.Grains;
using Im.Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

/// <summary>What the cluster will do with a call: serialize each argument, rebuild the request elsewhere, invoke it.</summary>
public sealed class SerializationTests
{
    [Fact]
    public async Task A_request_round_trips_through_the_serializer_and_runs_on_the_other_side()
    {
        await using var silo = TestSilo.Create();
        var serializer = silo.ServiceProvider.GetRequiredService<GrainSerializer>();
        var types = silo.ServiceProvider.GetRequiredService<GrainTypeManager>();
        var capture = new CapturingRuntime();
        var proxy = (ICounterGrain)types.GetInterface(typeof(ICounterGrain)).ProxyFactory(new GrainId("counter", "wire"), capture);
        _ = proxy.Echo(new Note("bob", "über 🚀", 7));
        var sent = capture.Last!;

        var wire = Enumerable.Range(0, sent.ArgumentCount).Select(i => serializer.Serialize(sent.GetArgument(i), sent.GetArgumentType(i))).ToList();
        var received = types.CreateInvokable(sent.InterfaceType, sent.MethodId, sent.MethodName);
        for (var i = 0; i < wire.Count; i++) received.SetArgument(i, serializer.Deserialize(wire[i], received.GetArgumentType(i)));

        var grain = await silo.CreateGrainAsync<CounterGrain>("wire");
        var invocation = received.InvokeAsync(grain);
        await invocation;
        var resultBytes = serializer.Serialize(received.GetResult(invocation), received.ResultType!);
        Assert.Equal(new Note("bob", "über 🚀!", 7), serializer.Deserialize(resultBytes, typeof(Note)));
    }

    [Fact]
    public async Task A_request_numbered_by_another_build_finds_its_method_by_name_or_fails_naming_it()
    {
        await using var silo = TestSilo.Create();
        var types = silo.ServiceProvider.GetRequiredService<GrainTypeManager>();
        var methods = types.GetInterface(typeof(ICounterGrain)).InvokableFactories.Select(f => f()).ToList();
        var echo = methods.Single(m => m.MethodName == nameof(ICounterGrain.Echo));

        // A newer build inserted methods before Echo (or an older one lacked some): its id points elsewhere here.
        foreach (var id in new[] { echo.MethodId, (echo.MethodId + 1) % methods.Count, 999, -1 })
            Assert.Equal(nameof(ICounterGrain.Echo), types.CreateInvokable(typeof(ICounterGrain), id, nameof(ICounterGrain.Echo)).MethodName);

        var e = Assert.Throws<InvalidOperationException>(() => types.CreateInvokable(typeof(ICounterGrain), echo.MethodId, "AddedInANewerBuild"));
        Assert.Contains("AddedInANewerBuild", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grain_references_travel_as_their_id_and_come_back_as_working_proxies()
    {
        await using var silo = TestSilo.Create();
        var serializer = silo.ServiceProvider.GetRequiredService<GrainSerializer>();
        var original = silo.GetGrain<ICounterGrain>("ref");
        var bytes = serializer.Serialize(original, typeof(ICounterGrain));
        Assert.Equal("\"counter/ref\"", System.Text.Encoding.UTF8.GetString(bytes));
        var copy = (ICounterGrain)serializer.Deserialize(bytes, typeof(ICounterGrain))!;
        await original.Add(4);
        Assert.Equal(4, await copy.Get());
    }

    private sealed class CapturingRuntime : IGrainReferenceRuntime
    {
        public Invokable? Last { get; private set; }

        public Task InvokeAsync(GrainReference target, VoidRequest request)
        {
            Last = request;
            return Task.CompletedTask;
        }

        public Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request)
        {
            Last = request;
            return Task.FromResult(default(TResult)!);
        }

        public void InvokeOneWay(GrainReference target, Invokable request) => Last = request;
    }
}
