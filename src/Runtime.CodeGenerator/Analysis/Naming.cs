using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Builds the identifiers and type strings that appear in generated code.</summary>
    internal static class Naming
    {
        /// <summary>Fully qualified (global::) with nullable annotations, for signatures that must match the interface exactly.</summary>
        public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>Fully qualified without nullable reference annotations or tuple names, which typeof rejects.</summary>
        public static readonly SymbolDisplayFormat TypeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.ExpandValueTuple);

        public static string Display(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

        public static string DisplayForTypeOf(ITypeSymbol type) => type.ToDisplayString(TypeOfFormat);

        /// <summary>Prefixes C# keywords with @ so they can be used as identifiers.</summary>
        public static string EscapeIdentifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>
        /// Turns the dotted name of a type (namespaces and containing types) into a unique identifier fragment:
        /// '_' is doubled and '.' becomes '_', so distinct names can never collide.
        /// </summary>
        public static string SanitizeTypeName(INamedTypeSymbol type)
        {
            var builder = new StringBuilder();
            foreach (var c in QualifiedName(type))
            {
                if (c == '_') builder.Append("__");
                else if (c == '.') builder.Append('_');
                else if (IsIdentifierChar(c)) builder.Append(c);
                else builder.Append('_').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }

            return builder.ToString();
        }

        /// <summary>The assembly name as one identifier, used as the last segment of the generated namespace.</summary>
        public static string SanitizeAssemblyName(string? assemblyName)
        {
            if (string.IsNullOrEmpty(assemblyName)) return "Assembly";
            var builder = new StringBuilder(assemblyName!.Length + 1);
            if (!char.IsLetter(assemblyName[0]) && assemblyName[0] != '_') builder.Append('_');
            foreach (var c in assemblyName) builder.Append(IsIdentifierChar(c) ? c : '_');
            return builder.ToString();
        }

        public static string GeneratedNamespace(string? assemblyName) => "Im.Orleans.Generated." + SanitizeAssemblyName(assemblyName);

        /// <summary>Namespace, containing types and name joined by '.', without generic arity (generic types are rejected).</summary>
        public static string QualifiedName(INamedTypeSymbol type)
        {
            var name = type.Name;
            for (ISymbol? container = type.ContainingSymbol; container is not null; container = container.ContainingSymbol)
            {
                if (container is INamespaceSymbol { IsGlobalNamespace: true }) break;
                if (container is INamespaceOrTypeSymbol) name = container.Name + "." + name;
            }

            return name;
        }

        private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';
    }
}
