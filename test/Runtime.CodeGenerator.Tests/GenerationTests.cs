using Im.Orleans.CodeGenerator.Tests.Infrastructure;
using Im.Orleans.CodeGenerator.Tests.Sources;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Tests;

/// <summary>What the generator emits for valid input, and that it compiles cleanly.</summary>
public sealed class GenerationTests(RichSnippetFixture fixture) : IClassFixture<RichSnippetFixture>
{
    [Fact]
    public void RichSnippet_ProducesNoDiagnostics_AndCompilesWithoutErrorsOrWarnings()
    {
        Assert.Empty(fixture.Run.GeneratorDiagnostics);
        Assert.True(fixture.Run.CompilationProblems.Count == 0, string.Join("\n", fixture.Run.CompilationProblems) + "\n" + fixture.Run.Dump());
    }

    [Fact]
    public void RichSnippet_EmitsOneFilePerGrainInterface_PlusTheRegistration()
    {
        string[] expected =
        [
            "Proxy_Sample_Grains_Container_IInternalNestedGrain.g.cs",
            "Proxy_Sample_Grains_Container_INestedGrain.g.cs",
            "Proxy_Sample_Grains_IBaseGrain.g.cs",
            "Proxy_Sample_Grains_IChatObserver.g.cs",
            "Proxy_Sample_Grains_IEmptyGrain.g.cs",
            "Proxy_Sample_Grains_IInternalGrain.g.cs",
            "Proxy_Sample_Grains_IOtherGrain.g.cs",
            "Proxy_Sample_Grains_IRichGrain.g.cs",
            "Im.Orleans.GeneratedCodeRegistration.g.cs",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), fixture.Run.Sources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Output_IsDeterministic()
    {
        var (reference, _) = GeneratorHarness.CompileLibrary(ExternalSnippet.Source, ExternalSnippet.AssemblyName);
        var first = GeneratorHarness.Run(RichSnippet.Source, [reference]).Sources;
        var second = GeneratorHarness.Run(RichSnippet.Source, [reference]).Sources;
        Assert.Equal(first, second);
        Assert.Equal(first, fixture.Run.Sources);
    }

    [Fact]
    public void Registration_IsInternal_WhenItRegistersInternalTypes()
    {
        Assert.Contains("internal sealed class GeneratedCodeRegistration", fixture.Run.Source("Im.Orleans.GeneratedCodeRegistration.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_IsPublic_WhenEverythingItRegistersIsPublic()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            namespace P { public interface IPublicGrain : Im.Orleans.IGrainWithStringKey { Task A(); } }
            """);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains("public sealed class GeneratedCodeRegistration", run.Source("Im.Orleans.GeneratedCodeRegistration.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalBaseInterface_GetsPrivateInvokablesInEachProxy_AndIsNotRegistered()
    {
        var rich = fixture.Run.Source("Proxy_Sample_Grains_IRichGrain.g.cs");
        var other = fixture.Run.Source("Proxy_Sample_Grains_IOtherGrain.g.cs");
        Assert.Contains("private sealed class Invokable_External_IExternalGrain_0", rich, StringComparison.Ordinal);
        Assert.Contains("private sealed class Invokable_External_IExternalGrain_1", other, StringComparison.Ordinal);
        Assert.DoesNotContain("typeof(global::External.IExternalGrain),", fixture.Run.Source("Im.Orleans.GeneratedCodeRegistration.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void NullableDisabledContext_CompilesWithoutWarnings()
    {
        var compilation = GeneratorHarness.Compile(
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            namespace Legacy
            {
                public interface ILegacyGrain : Im.Orleans.IGrainWithStringKey
                {
                    Task<string> Get(string key, List<string> values, int? limit);
                }
            }
            """,
            nullable: NullableContextOptions.Disable);
        var run = GeneratorHarness.Run(compilation);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.CompilationProblems.Count == 0, string.Join("\n", run.CompilationProblems) + "\n" + run.Dump());
    }

    [Fact]
    public void CompilationWithoutGrains_GetsNoGeneratedFiles()
    {
        var run = GeneratorHarness.Run("""
            namespace Plain
            {
                public interface IService : System.IDisposable { void Work(); }
                public class Service : System.Exception, IService { public void Dispose() { } public void Work() { } }
                public interface IMarkerOnly : Im.Orleans.IAddressable { }
            }
            """);
        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void GrainClassesOnly_StillGetARegistration()
    {
        var run = GeneratorHarness.Run("namespace G { public sealed class OnlyGrain : Im.Orleans.Grain { } }");
        var registration = Assert.Single(run.Sources);
        Assert.Contains("registry.AddGrainClass(typeof(global::G.OnlyGrain));", registration.Text, StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void PartialGrainClass_WhoseFirstPartHasNoBaseList_IsStillRegistered()
    {
        var run = GeneratorHarness.Run("""
            namespace G
            {
                public sealed partial class SplitGrain { private int _count = 1; }
                public sealed partial class SplitGrain : Im.Orleans.Grain { public int Count => _count; }
            }
            """);
        var registration = Assert.Single(run.Sources);
        Assert.Contains("registry.AddGrainClass(typeof(global::G.SplitGrain));", registration.Text, StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void PartialInterfaceAcrossFiles_IsGeneratedOnce()
    {
        var compilation = GeneratorHarness.Compile("""
            namespace Parts { public partial interface IPartialGrain : Im.Orleans.IGrainWithStringKey { System.Threading.Tasks.Task A(); } }
            """);
        compilation = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "namespace Parts { public partial interface IPartialGrain : Im.Orleans.IGrainWithStringKey { System.Threading.Tasks.Task B(); } }",
            GeneratorHarness.ParseOptions,
            path: "Second.cs"));
        var run = GeneratorHarness.Run(compilation);
        Assert.Single(run.Sources, static s => s.HintName == "Proxy_Parts_IPartialGrain.g.cs");
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void TypeNames_StayUnique_WhenUnderscoresAndDotsWouldCollide()
    {
        var run = GeneratorHarness.Run("""
            namespace A { public interface B_C : Im.Orleans.IGrainWithStringKey { System.Threading.Tasks.Task M(); } }
            namespace A_B { public interface C : Im.Orleans.IGrainWithStringKey { System.Threading.Tasks.Task M(); } }
            """);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains(run.Sources, static s => s.HintName == "Proxy_A_B__C.g.cs");
        Assert.Contains(run.Sources, static s => s.HintName == "Proxy_A__B_C.g.cs");
    }
}
