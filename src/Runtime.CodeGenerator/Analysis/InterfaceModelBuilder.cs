using System.Collections.Generic;
using System.Threading;
using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Analyses a grain interface and everything it inherits into an <see cref="InterfaceResult"/>.</summary>
    internal static class InterfaceModelBuilder
    {
        /// <summary>The pipeline transform: null for interfaces that are not grain interfaces.</summary>
        public static InterfaceResult? Build(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var node = (InterfaceDeclarationSyntax)context.Node;
            if (context.SemanticModel.GetDeclaredSymbol(node, cancellationToken) is not INamedTypeSymbol symbol) return null;
            if (!DeclarationFilter.IsRepresentativeDeclaration(symbol, node, cancellationToken) || !KnownTypes.IsGrainInterface(symbol)) return null;
            return Build(symbol, context.SemanticModel.Compilation.AssemblyName, LocationInfo.From(node.Identifier.GetLocation()), cancellationToken);
        }

        private static InterfaceResult Build(INamedTypeSymbol symbol, string? assemblyName, LocationInfo? location, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var own = new List<MethodModel>();
            var inherited = new List<MethodModel>();
            var failed = false;
            var interfaceName = symbol.ToDisplayString();

            var hierarchy = new List<INamedTypeSymbol>(symbol.AllInterfaces.Length + 1) { symbol };
            hierarchy.AddRange(symbol.AllInterfaces);
            foreach (var type in hierarchy)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (KnownTypes.IsMarkerInterface(type)) continue;

                var isOwn = SymbolEqualityComparer.Default.Equals(type, symbol);
                var isExternal = !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, symbol.ContainingAssembly);

                // A base grain interface declared in this compilation reports its own errors; here they only stop generation.
                var sink = isOwn || isExternal ? diagnostics : new List<DiagnosticInfo>();

                if (!KnownTypes.IsGrainInterface(type))
                {
                    if (HasInstanceMembers(type))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonGrainBaseInterface, location, interfaceName, type.ToDisplayString()));
                        failed = true;
                    }

                    continue;
                }

                if (TypeChecks.IsGenericOrNestedInGeneric(type))
                {
                    sink.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericInterface, location, interfaceName, type.ToDisplayString()));
                    failed = true;
                    continue;
                }

                if (!isExternal && !AccessibilityChecks.IsVisibleInAssembly(type))
                {
                    sink.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleInterface, location, type.ToDisplayString()));
                    failed = true;
                    continue;
                }

                failed |= !AddMethods(type, isExternal, location, sink, isOwn ? own : inherited);
            }

            if (failed) return new InterfaceResult(null, diagnostics.ToEquatableArray());

            var methods = new List<MethodModel>(own.Count + inherited.Count);
            methods.AddRange(own);
            methods.AddRange(inherited);
            var model = new InterfaceModel(
                Naming.Display(symbol),
                Naming.SanitizeTypeName(symbol),
                Naming.GeneratedNamespace(assemblyName),
                AccessibilityChecks.IsEffectivelyPublic(symbol),
                own.Count,
                methods.ToEquatableArray());
            return new InterfaceResult(model, diagnostics.ToEquatableArray());
        }

        /// <summary>Adds a model per instance method of <paramref name="type"/>; false if any member is unsupported.</summary>
        private static bool AddMethods(INamedTypeSymbol type, bool isExternal, LocationInfo? location, List<DiagnosticInfo> sink, List<MethodModel> target)
        {
            var builder = new MethodModelBuilder(type, location, sink);
            var sanitized = Naming.SanitizeTypeName(type);
            var ok = true;

            // MethodId is the ordinal among the instance methods in GetMembers() order, which is declaration order both
            // in source and in metadata, so every assembly that sees the interface computes the same ids.
            var methodId = 0;
            foreach (var member in type.GetMembers())
            {
                switch (member)
                {
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method:
                        var model = builder.Build(method, methodId, "Invokable_" + sanitized + "_" + methodId, isExternal);
                        methodId++;
                        if (model is null) ok = false;
                        else target.Add(model);
                        break;
                    case IMethodSymbol method when method.MethodKind == MethodKind.ExplicitInterfaceImplementation || method.AssociatedSymbol is not null:
                        // Re-implementations of base members are covered by the base's proxy method; accessors by their property.
                        break;
                    case IMethodSymbol { IsStatic: true } method when !method.IsAbstract && !method.IsVirtual:
                        // Static helpers with bodies are not part of the remote contract.
                        break;
                    case IPropertySymbol { IsStatic: true, IsAbstract: false, IsVirtual: false }:
                    case IEventSymbol { IsStatic: true, IsAbstract: false, IsVirtual: false }:
                    case IFieldSymbol:
                    case INamedTypeSymbol:
                        break;
                    default:
                        sink.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMember, LocationInfo.From(member, location), type.ToDisplayString(), member.Name));
                        ok = false;
                        break;
                }
            }

            // A type that failed to bind is reported by the compiler; generating nothing avoids follow-up errors.
            return ok && !builder.HasBindingErrors;
        }

        private static bool HasInstanceMembers(INamedTypeSymbol type)
        {
            foreach (var member in type.GetMembers())
            {
                if (!member.IsStatic && member is IMethodSymbol or IPropertySymbol or IEventSymbol) return true;
            }

            return false;
        }
    }
}
