using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Picks one declaration per partial type so each type is analysed and emitted exactly once.</summary>
    internal static class DeclarationFilter
    {
        public static bool IsFirstDeclaration(ISymbol symbol, SyntaxNode node)
        {
            var references = symbol.DeclaringSyntaxReferences;
            return references.Length > 0 && references[0].SyntaxTree == node.SyntaxTree && references[0].Span == node.Span;
        }
    }
}
