using System.Reflection;
using Im.Orleans.CodeGenerator.Tests.Sources;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>Generates, compiles and loads <see cref="RichSnippet"/> (against <see cref="ExternalSnippet"/>) once for a test class.</summary>
public sealed class RichSnippetFixture : IDisposable
{
    private readonly SnippetLoadContext _context;

    public RichSnippetFixture()
    {
        var (externalReference, externalImage) = GeneratorHarness.CompileLibrary(ExternalSnippet.Source, ExternalSnippet.AssemblyName);
        Run = GeneratorHarness.Run(RichSnippet.Source, [externalReference]);
        var image = GeneratorHarness.Emit(Run.Output);
        _context = new SnippetLoadContext(externalImage, image);
        Assembly = _context.Get(GeneratorHarness.AssemblyName);
        Registry = RegistrySnapshot.Register(Assembly);
    }

    internal GeneratorRun Run { get; }

    public Assembly Assembly { get; }

    internal RegistrySnapshot Registry { get; }

    public Type Type(string fullName) => Assembly.GetType(fullName, throwOnError: true)!;

    public Type ExternalType(string fullName) => _context.Get(ExternalSnippet.AssemblyName).GetType(fullName, throwOnError: true)!;

    public void Dispose() => _context.Unload();
}
