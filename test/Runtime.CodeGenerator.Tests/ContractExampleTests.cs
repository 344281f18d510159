using Im.Orleans.CodeGenerator.Tests.Infrastructure;

namespace Im.Orleans.CodeGenerator.Tests;

/// <summary>The input of docs/dev/generated-code-example.cs yields the code that file spells out.</summary>
public sealed class ContractExampleTests
{
    private const string Source = """
        using System.Threading.Tasks;
        using Im.Orleans;
        using Im.Orleans.Concurrency;

        namespace Sample;

        public interface ICounterGrain : IGrainWithStringKey
        {
            Task<int> Add(int amount);
            [ReadOnly] ValueTask<int> Get();
            Task Reset();
            [OneWay] Task Poke(string why);
            [ResponseTimeout("00:00:02")] Task<string> Slow(int millis, string[] tags);
        }

        public interface IChatObserver : IGrainObserver { void Received(string text); }

        public sealed class CounterGrain : Grain, ICounterGrain
        {
            private int _value;
            public Task<int> Add(int amount) => Task.FromResult(_value += amount);
            public ValueTask<int> Get() => new(_value);
            public Task Reset() { _value = 0; return Task.CompletedTask; }
            public Task Poke(string why) => Task.CompletedTask;
            public Task<string> Slow(int millis, string[] tags) => Task.FromResult(string.Join(",", tags));
        }
        """;

    [Fact]
    public void Output_MatchesTheDocumentedShape()
    {
        var run = GeneratorHarness.Run(Source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.CompilationProblems.Count == 0, string.Join("\n", run.CompilationProblems));

        var counter = run.Source("Proxy_Sample_ICounterGrain.g.cs");
        string[] counterLines =
        [
            "internal sealed class Proxy_Sample_ICounterGrain : global::Im.Orleans.CodeGeneration.GrainReference, global::Sample.ICounterGrain",
            "public override global::System.Type InterfaceType => typeof(global::Sample.ICounterGrain);",
            "internal sealed class Invokable_Sample_ICounterGrain_0 : global::Im.Orleans.CodeGeneration.Request<int>",
            "protected override global::System.Threading.Tasks.Task<int> InvokeTyped(object target) => ((global::Sample.ICounterGrain)target).Add(arg0);",
            "public override global::Im.Orleans.CodeGeneration.InvokeMethodOptions Options => global::Im.Orleans.CodeGeneration.InvokeMethodOptions.ReadOnly;",
            "protected override global::System.Threading.Tasks.Task<int> InvokeTyped(object target) => ((global::Sample.ICounterGrain)target).Get().AsTask();",
            "internal sealed class Invokable_Sample_ICounterGrain_2 : global::Im.Orleans.CodeGeneration.VoidRequest",
            "public override global::System.Threading.Tasks.Task InvokeAsync(object target) => ((global::Sample.ICounterGrain)target).Reset();",
            "public override global::System.TimeSpan? ResponseTimeout => global::System.TimeSpan.FromTicks(20000000L);",
            "return global::System.Threading.Tasks.Task.CompletedTask;",
        ];
        Assert.All(counterLines, line => Assert.Contains(line, counter, StringComparison.Ordinal));

        var observer = run.Source("Proxy_Sample_IChatObserver.g.cs");
        Assert.Contains("base.InvokeOneWay(request);", observer, StringComparison.Ordinal);
        Assert.Contains("public override global::Im.Orleans.CodeGeneration.InvokeMethodOptions Options => global::Im.Orleans.CodeGeneration.InvokeMethodOptions.OneWay;", observer, StringComparison.Ordinal);

        var registration = run.Source("Im.Orleans.GeneratedCodeRegistration.g.cs");
        Assert.Contains("[assembly: global::Im.Orleans.CodeGeneration.GeneratedCode(typeof(global::Im.Orleans.Generated.Sample_Assembly.GeneratedCodeRegistration))]", registration, StringComparison.Ordinal);
        Assert.Contains("public sealed class GeneratedCodeRegistration : global::Im.Orleans.CodeGeneration.IGeneratedCodeRegistration", registration, StringComparison.Ordinal);
        Assert.Contains("registry.AddGrainClass(typeof(global::Sample.CounterGrain));", registration, StringComparison.Ordinal);
    }
}
