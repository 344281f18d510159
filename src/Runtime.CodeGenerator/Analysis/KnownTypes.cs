using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Recognises runtime types by name, which works whether the runtime is in source or referenced.</summary>
    internal static class KnownTypes
    {
        public const string RuntimeNamespace = "Im.Orleans";
        public const string ConcurrencyNamespace = "Im.Orleans.Concurrency";

        public static bool IsGrainInterface(INamedTypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Interface || IsMarkerInterface(type)) return false;
            foreach (var baseInterface in type.AllInterfaces)
            {
                if (Is(baseInterface, RuntimeNamespace, "IGrain") || Is(baseInterface, RuntimeNamespace, "IGrainObserver")) return true;
            }

            return false;
        }

        /// <summary>The member-less interfaces grain interfaces derive from; they get no proxy of their own.</summary>
        public static bool IsMarkerInterface(INamedTypeSymbol type)
        {
            if (!IsInNamespace(type, RuntimeNamespace) || type.ContainingType is not null) return false;
            switch (type.Name)
            {
                case "IAddressable":
                case "IGrain":
                case "IGrainObserver":
                case "IGrainWithStringKey":
                case "IGrainWithGuidKey":
                case "IGrainWithIntegerKey":
                case "IGrainWithGuidCompoundKey":
                case "IGrainWithIntegerCompoundKey":
                    return true;
                default:
                    return false;
            }
        }

        public static bool DerivesFromGrain(INamedTypeSymbol type)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (Is(current, RuntimeNamespace, "Grain")) return true;
            }

            return false;
        }

        /// <summary>True for the non-generic top-level type <paramref name="ns"/>.<paramref name="name"/>.</summary>
        public static bool Is(INamedTypeSymbol type, string ns, string name, int arity = 0)
            => type.Name == name && type.Arity == arity && type.ContainingType is null && IsInNamespace(type, ns);

        public static bool IsInNamespace(ISymbol symbol, string ns)
        {
            // Compares namespace segments from the innermost outwards without building a string.
            var current = symbol.ContainingNamespace;
            var end = ns.Length;
            while (current is not null && !current.IsGlobalNamespace)
            {
                var name = current.Name;
                var start = end - name.Length;
                if (start < 0 || string.CompareOrdinal(ns, start, name, 0, name.Length) != 0) return false;
                if (start > 0 && ns[start - 1] != '.') return false;
                end = start == 0 ? -1 : start - 1;
                current = current.ContainingNamespace;
            }

            return end == -1;
        }
    }
}
