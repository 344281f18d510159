using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>The outcome of running the generator over one compilation.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorRunResult Result => Driver.GetRunResult().Results.Single();

    /// <summary>Generated files by hint name, in the order the generator added them.</summary>
    public IReadOnlyList<(string HintName, string Text)> Sources
        => Result.GeneratedSources.Select(static s => (s.HintName, s.SourceText.ToString())).ToList();

    public string Source(string hintName) => Sources.Single(s => s.HintName == hintName).Text;

    public IReadOnlyList<Diagnostic> CompilationProblems
        => Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    /// <summary>Everything generated, for failure messages.</summary>
    public string Dump() => string.Join("\n", Sources.Select(static s => "// ---- " + s.HintName + "\n" + s.Text));
}
