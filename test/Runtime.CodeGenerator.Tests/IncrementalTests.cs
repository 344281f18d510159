using Im.Orleans.CodeGenerator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Im.Orleans.CodeGenerator.Tests;

/// <summary>The pipeline models are equatable, so unrelated edits reuse every cached output.</summary>
public sealed class IncrementalTests
{
    private const string Source = """
        using System.Threading.Tasks;
        namespace Inc
        {
            public interface IFirstGrain : Im.Orleans.IGrainWithStringKey { Task<int> A(int x); }
            public interface ISecondGrain : Im.Orleans.IGrainWithStringKey { Task B(string y); }
            public sealed class FirstGrain : Im.Orleans.Grain, IFirstGrain { public Task<int> A(int x) => Task.FromResult(x); }
        }
        """;

    [Fact]
    public void UnrelatedEdit_LeavesEveryOutputCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace Other { public class Unrelated { } }", GeneratorHarness.ParseOptions, path: "Other.cs")));

        var reasons = OutputReasons(driver);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, static r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void EditingOneInterface_RegeneratesOnlyThatInterface()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = tree.WithChangedText(tree.GetText().Replace(Source.IndexOf("Task B(string y)", StringComparison.Ordinal), "Task B(string y)".Length, "Task B(long y)"));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));

        // Only ISecondGrain's file changes; the registration model (names and method counts) is unchanged.
        Assert.Single(OutputReasons(driver), static r => r == IncrementalStepRunReason.Modified);
    }

    private static List<IncrementalStepRunReason> OutputReasons(GeneratorDriver driver)
        => driver.GetRunResult().Results.Single().TrackedOutputSteps
            .SelectMany(static pair => pair.Value)
            .SelectMany(static step => step.Outputs)
            .Select(static output => output.Reason)
            .ToList();
}
