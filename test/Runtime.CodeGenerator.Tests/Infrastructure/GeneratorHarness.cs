using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>Compiles C# snippets and runs <see cref="GrainCodeGenerator"/> over them, as the compiler would in a build.</summary>
internal static class GeneratorHarness
{
    public const string AssemblyName = "Sample.Assembly";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(
        string source,
        string assemblyName = AssemblyName,
        IEnumerable<MetadataReference>? extraReferences = null,
        NullableContextOptions nullable = NullableContextOptions.Enable)
    {
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Input.cs");
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: nullable, allowUnsafe: true);
        return CSharpCompilation.Create(assemblyName, [tree], TestReferences.All.Concat(extraReferences ?? []), options);
    }

    /// <summary>A driver that records why each pipeline step ran, for the caching tests.</summary>
    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new GrainCodeGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, output, diagnostics);
    }

    public static GeneratorRun Run(string source, IEnumerable<MetadataReference>? extraReferences = null)
        => Run(Compile(source, extraReferences: extraReferences));

    /// <summary>Compiles a snippet without the generator and returns it as a reference image, like a referenced NuGet assembly.</summary>
    public static (MetadataReference Reference, byte[] Image) CompileLibrary(string source, string assemblyName)
    {
        var compilation = Compile(source, assemblyName);
        var image = Emit(compilation);
        return (MetadataReference.CreateFromImage(image), image);
    }

    public static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("Emit failed:\n" + string.Join("\n", result.Diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error)));
        }

        return stream.ToArray();
    }
}
