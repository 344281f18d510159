using Im.Orleans.CodeGenerator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Tests;

/// <summary>Each unsupported shape is reported with its own id, and the offending interface gets no code.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Im.Orleans;
        using Im.Orleans.Concurrency;

        """;

    public static TheoryData<string, string> UnsupportedShapes => new()
    {
        { "IMO001", "public interface IBad : IGrainWithStringKey { int Get(); }" },
        { "IMO001", "public interface IBad : IGrainWithStringKey { IAsyncEnumerable<int> Stream(); }" },
        { "IMO002", "public interface IBad : IGrainWithStringKey { Task<T> Get<T>(); }" },
        { "IMO003", "public interface IBad : IGrainWithStringKey { Task Get(ref int x); }" },
        { "IMO003", "public interface IBad : IGrainWithStringKey { Task Get(out int x); }" },
        { "IMO003", "public interface IBad : IGrainWithStringKey { Task Get(in int x); }" },
        { "IMO004", "public interface IBad : IGrainWithStringKey { int Value { get; } }" },
        { "IMO004", "public interface IBad : IGrainWithStringKey { event Action Changed; }" },
        { "IMO004", "public interface IBad : IGrainWithStringKey { static abstract Task Create(); }" },
        { "IMO005", "public interface IBad<T> : IGrainWithStringKey { Task<T> Get(); }" },
        { "IMO005", "public class Host<T> { public interface IBad : IGrainWithStringKey { Task Get(); } }" },
        { "IMO006", "public interface IBad : IGrainWithStringKey { [OneWay] Task<int> Get(); }" },
        { "IMO006", "public interface IBad : IGrainWithStringKey { [OneWay] ValueTask<int> Get(); }" },
        { "IMO007", "public interface IBad : IGrainWithStringKey { [ResponseTimeout(\"banana\")] Task Get(); }" },
        { "IMO007", "public interface IBad : IGrainWithStringKey { [ResponseTimeout(\"-00:00:01\")] Task Get(); }" },
        { "IMO008", "public interface IBad : IGrainWithStringKey { Task Get(Span<int> values); }" },
        { "IMO008", "public interface IBad : IGrainWithStringKey { Task Get(dynamic value); }" },
        { "IMO008", "public interface IBad : IGrainWithStringKey { unsafe Task Get(int* value); }" },
        { "IMO008", "public interface IBad : IGrainWithStringKey { Task<List<dynamic>> Get(); }" },
        { "IMO009", "public class Host { private interface IBad : IGrainWithStringKey { Task Get(); } }" },
        { "IMO009", "public class Host { protected interface IBad : IGrainWithStringKey { Task Get(); } }" },
        { "IMO009", "file interface IBad : IGrainWithStringKey { Task Get(); }" },
        { "IMO010", "public interface INotGrain { Task Get(); } public interface IBad : IGrainWithStringKey, INotGrain { }" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedShapes))]
    public void UnsupportedShape_IsReported_AndNotGenerated(string id, string declaration)
    {
        var run = GeneratorHarness.Run(Usings + "namespace Bad { " + declaration + " public interface IFine : IGrainWithStringKey { Task Ok(); } }");

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("IBad", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.True(diagnostic.Location.IsInSource || diagnostic.Location.Kind == LocationKind.ExternalFile, diagnostic.Location.ToString());
        Assert.DoesNotContain(run.Sources, static s => s.HintName.Contains("IBad", StringComparison.Ordinal));

        // The valid interface next to it is still generated and registered.
        Assert.Contains(run.Sources, static s => s.HintName == "Proxy_Bad_IFine.g.cs");
        Assert.DoesNotContain("IBad", run.Source("Im.Orleans.GeneratedCodeRegistration.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostic_NamesInterfaceAndMethod_AtTheMethodLocation()
    {
        var run = GeneratorHarness.Run(Usings + "namespace Bad { public interface IBad : IGrainWithStringKey {\n    int Broken(); } }");
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("Method 'Broken' of grain interface 'Bad.IBad' returns 'int'; grain methods must return Task, Task<T>, ValueTask, ValueTask<T> or void", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Input.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(6, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void DerivedInterface_OfAnInvalidBaseInSameCompilation_IsNotGenerated_AndTheErrorIsReportedOnce()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Bad
            {
                public interface IBadBase : IGrainWithStringKey { int Broken(); }
                public interface IDerived : IBadBase { Task Ok(); }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("IMO001", diagnostic.Id);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void FileLocalGrainClass_IsReportedAsWarning_AndNotRegistered()
    {
        var run = GeneratorHarness.Run(Usings + "namespace Bad { file sealed class HiddenGrain : Grain { } public sealed class VisibleGrain : Grain { } }");
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("IMO011", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        var registration = run.Source("Im.Orleans.GeneratedCodeRegistration.g.cs");
        Assert.Contains("VisibleGrain", registration, StringComparison.Ordinal);
        Assert.DoesNotContain("HiddenGrain", registration, StringComparison.Ordinal);
    }

    [Fact]
    public void UnboundType_IsLeftToTheCompiler()
    {
        var run = GeneratorHarness.Run(Usings + "namespace Bad { public interface IBad : IGrainWithStringKey { Task Get(Missing value); } }");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Sources);
    }
}
