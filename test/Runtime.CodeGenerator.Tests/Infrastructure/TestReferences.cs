using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>Metadata references for snippet compilations: the test host's platform assemblies plus the runtime.</summary>
internal static class TestReferences
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> Platform = new(Load);

    public static IReadOnlyList<MetadataReference> All => Platform.Value;

    private static IReadOnlyList<MetadataReference> Load()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        paths.Add(typeof(Grain).Assembly.Location);

        // Snippets must see the runtime and the BCL, not the test host's own test frameworks or Roslyn.
        return paths
            .Where(static p => !Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
    }
}
