using System.Reflection;
using System.Runtime.Loader;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>
/// Loads compiled snippets so they can reference each other by name, while the runtime and the BCL resolve to the
/// test host's copies (so Grain, Invokable etc. are the same types the test code uses).
/// </summary>
internal sealed class SnippetLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.Ordinal);

    public SnippetLoadContext(params byte[][] images)
        : base(isCollectible: true)
    {
        foreach (var image in images)
        {
            using var stream = new MemoryStream(image);
            var assembly = LoadFromStream(stream);
            _loaded[assembly.GetName().Name!] = assembly;
        }
    }

    public Assembly Get(string name) => _loaded[name];

    protected override Assembly? Load(AssemblyName assemblyName)
        => assemblyName.Name is { } name && _loaded.TryGetValue(name, out var assembly) ? assembly : null;
}
