using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Picks one declaration per partial type so each type is analysed and emitted exactly once.</summary>
    internal static class DeclarationFilter
    {
        /// <summary>
        /// True for the first declaration of the type that has a base list: the pipeline only looks at declarations
        /// with base lists, so a partial type whose first part has none must still be represented by another part.
        /// </summary>
        public static bool IsRepresentativeDeclaration(ISymbol symbol, SyntaxNode node, CancellationToken cancellationToken)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { BaseList: not null })
                    return reference.SyntaxTree == node.SyntaxTree && reference.Span == node.Span;
            }
            return false;
        }
    }
}
