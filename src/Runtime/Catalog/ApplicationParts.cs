using System.Reflection;
using Im.Orleans.CodeGeneration;

namespace Im.Orleans.Catalog;

/// <summary>Finds the assemblies that carry generated grain code: the ones given, the loaded ones, and what they reference.</summary>
internal static class ApplicationParts
{
    public static IReadOnlyCollection<Assembly> Discover(IEnumerable<Assembly> explicitParts)
    {
        var runtimeName = typeof(Grain).Assembly.GetName().Name;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<Assembly>();
        var pending = new Stack<Assembly>(explicitParts.Concat(AppDomain.CurrentDomain.GetAssemblies()));
        if (Assembly.GetEntryAssembly() is { } entry) pending.Push(entry);

        while (pending.TryPop(out var assembly))
        {
            if (assembly.IsDynamic || !seen.Add(assembly.FullName!)) continue;
            var references = assembly.GetReferencedAssemblies();
            var usesRuntime = assembly == typeof(Grain).Assembly || references.Any(r => r.Name == runtimeName);
            if (!usesRuntime) continue;
            if (assembly.IsDefined(typeof(GeneratedCodeAttribute), inherit: false)) found.Add(assembly);
            foreach (var reference in references)
            {
                if (seen.Contains(reference.FullName)) continue;
                try
                {
                    pending.Push(Assembly.Load(reference));
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // An optional reference that is not deployed cannot hold grains we are asked to run.
                }
            }
        }
        return found;
    }
}
