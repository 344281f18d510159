using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Answers whether generated code elsewhere in the assembly, or other assemblies, can name a type.</summary>
    internal static class AccessibilityChecks
    {
        /// <summary>True when a type at namespace level in the same assembly can name <paramref name="type"/>.</summary>
        public static bool IsVisibleInAssembly(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsFileLocal || !IsAssemblyLevel(current.DeclaredAccessibility)) return false;
            }

            return true;
        }

        public static bool IsEffectivelyPublic(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility != Accessibility.Public) return false;
            }

            return true;
        }

        public static bool IsAssemblyLevel(Accessibility accessibility)
            => accessibility == Accessibility.Public || accessibility == Accessibility.Internal || accessibility == Accessibility.ProtectedOrInternal;
    }
}
