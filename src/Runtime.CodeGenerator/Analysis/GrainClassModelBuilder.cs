using System.Collections.Generic;
using System.Threading;
using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Recognises concrete grain classes (non-abstract, non-generic, deriving from Im.Orleans.Grain).</summary>
    internal static class GrainClassModelBuilder
    {
        private const string NestedTypeFlags = "global::System.Reflection.BindingFlags.Public | global::System.Reflection.BindingFlags.NonPublic";

        /// <summary>The pipeline transform: null for classes that are not concrete grain classes.</summary>
        public static GrainClassResult? Build(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var node = (ClassDeclarationSyntax)context.Node;
            if (context.SemanticModel.GetDeclaredSymbol(node, cancellationToken) is not INamedTypeSymbol symbol) return null;
            if (symbol.IsAbstract || symbol.IsStatic || !DeclarationFilter.IsRepresentativeDeclaration(symbol, node, cancellationToken)) return null;
            if (!KnownTypes.DerivesFromGrain(symbol) || TypeChecks.IsGenericOrNestedInGeneric(symbol)) return null;

            for (var current = symbol; current is not null; current = current.ContainingType)
            {
                if (current.IsFileLocal)
                {
                    var location = LocationInfo.From(node.Identifier.GetLocation());
                    return new GrainClassResult(null, DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalGrainClass, location, symbol.ToDisplayString()));
                }
            }

            var model = new GrainClassModel(Naming.QualifiedName(symbol), TypeExpression(symbol), AccessibilityChecks.IsEffectivelyPublic(symbol));
            return new GrainClassResult(model, null);
        }

        /// <summary>
        /// typeof(X) when the registration can name X; otherwise typeof of the innermost nameable container followed by
        /// reflection lookups, because grain classes are often private classes nested in tests.
        /// </summary>
        private static string TypeExpression(INamedTypeSymbol symbol)
        {
            var hidden = new Stack<INamedTypeSymbol>();
            var current = symbol;
            while (current.ContainingType is not null && !AccessibilityChecks.IsVisibleInAssembly(current))
            {
                hidden.Push(current);
                current = current.ContainingType;
            }

            var expression = "typeof(" + Naming.Display(current) + ")";
            while (hidden.Count > 0)
            {
                expression += ".GetNestedType(\"" + hidden.Pop().MetadataName + "\", " + NestedTypeFlags + ")!";
            }

            return expression;
        }
    }
}
