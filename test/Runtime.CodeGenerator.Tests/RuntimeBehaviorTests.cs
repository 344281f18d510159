using System.Reflection;
using Im.Orleans.CodeGeneration;
using Im.Orleans.CodeGenerator.Tests.Infrastructure;
using Im.Orleans.Runtime;

namespace Im.Orleans.CodeGenerator.Tests;

/// <summary>Loads the compiled rich snippet and exercises its registration, invokables and proxies.</summary>
public sealed class RuntimeBehaviorTests(RichSnippetFixture fixture) : IClassFixture<RichSnippetFixture>
{
    private Type RichGrain => fixture.Type("Sample.Grains.IRichGrain");

    [Fact]
    public void Registration_RegistersEveryGrainInterfaceDeclaredInTheAssembly()
    {
        string[] expected =
        [
            "Sample.Grains.Container+IInternalNestedGrain",
            "Sample.Grains.Container+INestedGrain",
            "Sample.Grains.IBaseGrain",
            "Sample.Grains.IChatObserver",
            "Sample.Grains.IEmptyGrain",
            "Sample.Grains.IInternalGrain",
            "Sample.Grains.IOtherGrain",
            "Sample.Grains.IRichGrain",
        ];
        Assert.Equal(expected, fixture.Registry.Interfaces.Keys.Select(static t => t.FullName!).Order(StringComparer.Ordinal));
        Assert.Equal(18, fixture.Registry.Interfaces[RichGrain].InvokableFactories.Length);
        Assert.Empty(fixture.Registry.Interfaces[fixture.Type("Sample.Grains.IEmptyGrain")].InvokableFactories);
    }

    [Fact]
    public void Registration_RegistersConcreteNonGenericGrainClasses_IncludingPrivateNestedOnes()
    {
        string[] expected =
        [
            "Sample.Grains.DerivedGrain",
            "Sample.Grains.GrainHost+Level1+Level2Grain",
            "Sample.Grains.GrainHost+PrivateGrain",
            "Sample.Grains.InternalGrain",
            "Sample.Grains.RichGrain",
        ];
        Assert.Equal(expected, fixture.Registry.GrainClasses.Select(static t => t.FullName!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryFactory_CreatesTheInvokableWhoseMethodIdIsItsIndex()
    {
        foreach (var (interfaceType, registration) in fixture.Registry.Interfaces)
        {
            var methods = interfaceType.GetMethods();
            for (var i = 0; i < registration.InvokableFactories.Length; i++)
            {
                var invokable = registration.InvokableFactories[i]();
                Assert.Equal(i, invokable.MethodId);
                Assert.Equal(interfaceType, invokable.InterfaceType);
                Assert.Equal(methods[i].Name, invokable.MethodName);
                Assert.Equal(methods[i].GetParameters().Length, invokable.ArgumentCount);
            }
        }
    }

    [Theory]
    [InlineData(0, "Add", InvokeMethodOptions.None)]
    [InlineData(1, "Get", InvokeMethodOptions.ReadOnly)]
    [InlineData(3, "Poke", InvokeMethodOptions.OneWay)]
    [InlineData(5, "Touch", InvokeMethodOptions.ReadOnly | InvokeMethodOptions.AlwaysInterleave)]
    [InlineData(6, "Fire", InvokeMethodOptions.OneWay)]
    [InlineData(17, "Notify", InvokeMethodOptions.OneWay)]
    public void Invokable_CarriesTheMethodsOptions(int methodId, string name, InvokeMethodOptions options)
    {
        var invokable = Create(methodId);
        Assert.Equal(name, invokable.MethodName);
        Assert.Equal(options, invokable.Options);
        Assert.Null(invokable.ResponseTimeout);
    }

    [Fact]
    public async Task Invokable_WithArguments_RoundTripsThem_AndCallsTheTarget()
    {
        var slow = Create(4);
        Assert.Equal("Slow", slow.MethodName);
        Assert.Equal(TimeSpan.FromSeconds(2), slow.ResponseTimeout);
        Assert.Equal(typeof(string), slow.ResultType);
        Assert.Equal(2, slow.ArgumentCount);
        Assert.Equal(typeof(int), slow.GetArgumentType(0));
        Assert.Equal(typeof(string[]), slow.GetArgumentType(1));

        string[] tags = ["a", "b"];
        slow.SetArgument(0, 250);
        slow.SetArgument(1, tags);
        Assert.Equal(250, slow.GetArgument(0));
        Assert.Same(tags, slow.GetArgument(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => slow.GetArgument(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => slow.SetArgument(-1, null));

        var implementation = Activator.CreateInstance(fixture.Type("Sample.Grains.RichImpl"))!;
        var task = slow.InvokeAsync(implementation);
        await task;
        Assert.Equal("Slow(250,a+b)", slow.GetResult(task));
        Assert.Equal(["Slow(250,a+b)"], Calls(implementation));
    }

    [Fact]
    public void Invokable_ArgumentTypes_DropNullableReferenceAnnotations()
    {
        var invokable = Create(9);
        Assert.Equal("Nullable", invokable.MethodName);
        Assert.Equal(typeof(string), invokable.GetArgumentType(0));
        Assert.Equal(typeof(int?), invokable.GetArgumentType(1));
        Assert.Equal(typeof(Nullable<>).MakeGenericType(fixture.Type("Sample.Grains.Point")), invokable.GetArgumentType(2));
        Assert.Equal(typeof(List<string>), invokable.GetArgumentType(3));
        Assert.Equal(typeof(string), invokable.ResultType);
    }

    [Fact]
    public async Task VoidObserverMethod_IsOneWay_AndInvokesTheTarget()
    {
        var observer = fixture.Type("Sample.Grains.IChatObserver");
        var received = Assert.Single(fixture.Registry.Interfaces[observer].InvokableFactories)();
        Assert.Equal(InvokeMethodOptions.OneWay, received.Options);
        Assert.Null(received.ResultType);

        var implementation = Activator.CreateInstance(fixture.Type("Sample.Grains.RichImpl"))!;
        var notify = Create(17);
        notify.SetArgument(0, "hello");
        await notify.InvokeAsync(implementation);
        Assert.Equal(["Notify(hello)"], Calls(implementation));
    }

    [Fact]
    public async Task Proxy_SendsRequestsThroughTheRuntime_ForOwnInheritedAndExternalMethods()
    {
        var implementation = Activator.CreateInstance(fixture.Type("Sample.Grains.RichImpl"))!;
        var runtime = new LoopbackGrainRuntime(implementation);
        var proxy = fixture.Registry.Interfaces[RichGrain].ProxyFactory(new GrainId("rich", "key"), runtime);
        Assert.IsAssignableFrom(RichGrain, proxy);
        Assert.Equal(RichGrain, proxy.InterfaceType);
        Assert.Equal(new GrainId("rich", "key"), proxy.GrainId);

        Assert.Equal(6, await Call<int>(proxy, RichGrain, "Add", [5]));
        Assert.Equal(42, await Call<int>(proxy, RichGrain, "Get", []));
        Assert.Equal(4, await Call<int>(proxy, RichGrain, "Keywords", [1, "e", new[] { 1, 2, 3 }]));
        Assert.Equal(7, await Call<int>(proxy, RichGrain, "Request", [7, "x"]));
        Assert.Equal("Overload(long 3)", await Call<string>(proxy, RichGrain, "Overload", [3L], [typeof(long)]));
        Assert.Equal("Overload(int 3)", await Call<string>(proxy, RichGrain, "Overload", [3], [typeof(int)]));
        Assert.Equal("InvokeAsync(t)", await Call<string>(proxy, RichGrain, "InvokeAsync", ["t"]));
        Assert.Equal("Describe()", await Call<string>(proxy, fixture.Type("Sample.Grains.IBaseGrain"), "Describe", []));
        Assert.Equal("Echo(hi)", await Call<string>(proxy, fixture.ExternalType("External.IExternalGrain"), "Echo", ["hi"]));
        Assert.Equal(7, await Call<int>(proxy, fixture.ExternalType("External.IExternalGrain"), "Count", []));

        Assert.Equal(
            ["IRichGrain.Add", "IRichGrain.Get", "IRichGrain.Keywords", "IRichGrain.Request", "IRichGrain.Overload", "IRichGrain.Overload", "IRichGrain.InvokeAsync", "IBaseGrain.Describe", "IExternalGrain.Echo", "IExternalGrain.Count"],
            runtime.Requests.Select(static r => r.ToString()));
        Assert.Equal([0, 1, 10, 14, 13, 12, 15, 0, 0, 1], runtime.Requests.Select(static r => r.MethodId));
        Assert.Equal(InvokeMethodOptions.ReadOnly, runtime.Requests[^1].Options);
        Assert.Equal(
            ["Add(5)", "Get()", "Keywords(1,e,3)", "Request(7,x)", "Overload(long 3)", "Overload(int 3)", "InvokeAsync(t)", "Describe()", "Echo(hi)", "Count()"],
            Calls(implementation));
    }

    [Fact]
    public void Proxy_OneWayMethods_ReturnCompletedTasks_AndUseInvokeOneWay()
    {
        var implementation = Activator.CreateInstance(fixture.Type("Sample.Grains.RichImpl"))!;
        var runtime = new LoopbackGrainRuntime(implementation);
        var proxy = fixture.Registry.Interfaces[RichGrain].ProxyFactory(new GrainId("rich", "key"), runtime);

        var poke = (Task)RichGrain.GetMethod("Poke")!.Invoke(proxy, ["why"])!;
        var fire = (ValueTask)RichGrain.GetMethod("Fire")!.Invoke(proxy, [9])!;
        RichGrain.GetMethod("Notify")!.Invoke(proxy, ["note"]);

        Assert.True(poke.IsCompletedSuccessfully);
        Assert.True(fire.IsCompletedSuccessfully);
        Assert.Empty(runtime.Requests);
        Assert.Equal(["Poke", "Fire", "Notify"], runtime.OneWayRequests.Select(static r => r.MethodName));
        Assert.Equal(["Poke(why)", "Fire(9)", "Notify(note)"], Calls(implementation));
    }

    private Invokable Create(int methodId) => fixture.Registry.Interfaces[RichGrain].InvokableFactories[methodId]();

    private static List<string> Calls(object implementation)
        => (List<string>)implementation.GetType().GetProperty("Calls")!.GetValue(implementation)!;

    private static async Task<T> Call<T>(object proxy, Type interfaceType, string name, object?[] arguments, Type[]? signature = null)
    {
        var method = signature is null
            ? interfaceType.GetMethods().Single(m => m.Name == name && m.GetParameters().Length == arguments.Length)
            : interfaceType.GetMethod(name, signature)!;
        var result = method.Invoke(proxy, BindingFlags.Default, binder: null, arguments, culture: null);
        return result switch
        {
            Task<T> task => await task,
            ValueTask<T> valueTask => await valueTask,
            _ => throw new InvalidOperationException($"{name} returned {result}"),
        };
    }
}
