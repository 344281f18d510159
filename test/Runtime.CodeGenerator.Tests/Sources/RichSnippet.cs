namespace Im.Orleans.CodeGenerator.Tests.Sources;

/// <summary>Grain interfaces exercising every supported shape, with plain implementations that record their calls.</summary>
internal static class RichSnippet
{
    public const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Im.Orleans;
        using Im.Orleans.Concurrency;

        namespace Sample.Grains
        {
            public readonly record struct Point(int X, int Y);

            public class Outer
            {
                public sealed class Inner
                {
                    public int Value { get; set; }
                }
            }

            public interface IBaseGrain : IGrainWithStringKey
            {
                Task<string> Describe();
                Task Ping();
            }

            public interface IRichGrain : IBaseGrain, External.IExternalGrain
            {
                Task<int> Add(int amount);
                [ReadOnly] ValueTask<int> Get();
                Task Reset();
                [OneWay] Task Poke(string why);
                [ResponseTimeout("00:00:02")] Task<string> Slow(int millis, string[] tags);
                [ReadOnly, AlwaysInterleave] ValueTask Touch();
                [OneWay] ValueTask Fire(int x);
                Task<List<Dictionary<string, int>>> Nested(List<Dictionary<string, int>> value);
                Task<(int Sum, string Label)> Tuple((int A, string B) pair);
                Task<string?> Nullable(string? text, int? number, Point? point, List<string?>? items);
                Task<int> Keywords(int @class, string @event, params int[] @params);
                Task<Outer.Inner[]> NestedTypes(Outer.Inner inner, Outer.Inner[][] jagged, int[,] grid);
                Task<string> Overload(int value);
                Task<string> Overload(long value);
                Task<int> Request(int request, string _request);
                Task<string> InvokeAsync(object target);
                Task<string> Describe(int detail);
                void Notify(string message);
            }

            public interface IOtherGrain : IGrainWithGuidKey, External.IExternalGrain
            {
                Task<Guid> Id();
            }

            public interface IChatObserver : IGrainObserver
            {
                void Received(string text);
            }

            public static class Container
            {
                public interface INestedGrain : IGrainWithIntegerKey
                {
                    Task<long> Next();
                }

                internal interface IInternalNestedGrain : IGrainWithIntegerKey
                {
                    Task<long> Next();
                }
            }

            internal interface IInternalGrain : IGrainWithIntegerKey
            {
                Task<int> Value();
            }

            public interface IEmptyGrain : IGrainWithStringKey
            {
            }

            public sealed class RichImpl : IRichGrain
            {
                public List<string> Calls { get; } = new();

                private string Record(string call)
                {
                    Calls.Add(call);
                    return call;
                }

                public Task<string> Describe() => Task.FromResult(Record("Describe()"));
                public Task Ping() { Record("Ping()"); return Task.CompletedTask; }
                public Task<string> Echo(string text) => Task.FromResult(Record($"Echo({text})"));
                public ValueTask<int> Count() { Record("Count()"); return new ValueTask<int>(7); }
                public Task<int> Add(int amount) { Record($"Add({amount})"); return Task.FromResult(amount + 1); }
                public ValueTask<int> Get() { Record("Get()"); return new ValueTask<int>(42); }
                public Task Reset() { Record("Reset()"); return Task.CompletedTask; }
                public Task Poke(string why) { Record($"Poke({why})"); return Task.CompletedTask; }
                public Task<string> Slow(int millis, string[] tags) => Task.FromResult(Record($"Slow({millis},{string.Join("+", tags)})"));
                public ValueTask Touch() { Record("Touch()"); return default; }
                public ValueTask Fire(int x) { Record($"Fire({x})"); return default; }
                public Task<List<Dictionary<string, int>>> Nested(List<Dictionary<string, int>> value) { Record($"Nested({value.Count})"); return Task.FromResult(value); }
                public Task<(int Sum, string Label)> Tuple((int A, string B) pair) { Record($"Tuple({pair.A},{pair.B})"); return Task.FromResult((pair.A + 1, pair.B + "!")); }
                public Task<string?> Nullable(string? text, int? number, Point? point, List<string?>? items) => Task.FromResult<string?>(Record($"Nullable({text ?? "null"},{number?.ToString() ?? "null"},{point?.X.ToString() ?? "null"},{items?.Count.ToString() ?? "null"})"));
                public Task<int> Keywords(int @class, string @event, params int[] @params) { Record($"Keywords({@class},{@event},{@params.Length})"); return Task.FromResult(@class + @params.Length); }
                public Task<Outer.Inner[]> NestedTypes(Outer.Inner inner, Outer.Inner[][] jagged, int[,] grid) { Record($"NestedTypes({inner.Value},{jagged.Length},{grid.Length})"); return Task.FromResult(new[] { inner }); }
                public Task<string> Overload(int value) => Task.FromResult(Record($"Overload(int {value})"));
                public Task<string> Overload(long value) => Task.FromResult(Record($"Overload(long {value})"));
                public Task<int> Request(int request, string _request) { Record($"Request({request},{_request})"); return Task.FromResult(request); }
                public Task<string> InvokeAsync(object target) => Task.FromResult(Record($"InvokeAsync({target})"));
                public Task<string> Describe(int detail) => Task.FromResult(Record($"Describe({detail})"));
                public void Notify(string message) => Record($"Notify({message})");
            }

            public sealed class RichGrain : Grain, IEmptyGrain
            {
            }

            public abstract class AbstractGrain : Grain
            {
            }

            public class DerivedGrain : AbstractGrain
            {
            }

            public class GenericGrain<T> : Grain
            {
            }

            internal sealed class InternalGrain : Grain, IInternalGrain
            {
                public Task<int> Value() => Task.FromResult(1);
            }

            public class GrainHost
            {
                private sealed class PrivateGrain : Grain, IEmptyGrain
                {
                }

                protected class Level1
                {
                    private sealed class Level2Grain : Grain
                    {
                    }
                }
            }
        }
        """;
}
