using System;
using System.Collections.Immutable;
using System.Linq;
using Im.Orleans.CodeGenerator.Analysis;
using Im.Orleans.CodeGenerator.Emit;
using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Im.Orleans.CodeGenerator
{
    /// <summary>Generates grain proxies, invokables and the per-assembly registration (what the Orleans SDK generator does).</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class GrainCodeGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Grain interfaces always have a base list (they extend IGrain or IGrainObserver), and so do grain classes
            // (they derive from Grain), so declarations without one are rejected before any semantic work.
            var interfaces = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                    static (syntax, cancellationToken) => InterfaceModelBuilder.Build(syntax, cancellationToken))
                .Where(static result => result is not null)
                .Select(static (result, _) => result!);

            var grainClasses = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                    static (syntax, cancellationToken) => GrainClassModelBuilder.Build(syntax, cancellationToken))
                .Where(static result => result is not null)
                .Select(static (result, _) => result!);

            context.RegisterSourceOutput(interfaces, static (output, result) =>
            {
                foreach (var diagnostic in result.Diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
                if (result.Model is { } model) output.AddSource(ProxyEmitter.HintName(model), ProxyEmitter.Emit(model));
            });

            context.RegisterSourceOutput(grainClasses.Where(static r => r.Diagnostic is not null), static (output, result) =>
                output.ReportDiagnostic(result.Diagnostic!.ToDiagnostic()));

            var registeredInterfaces = interfaces
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => ToRegistered(r.Model!))
                .Collect();
            var registeredClasses = grainClasses
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => r.Model!)
                .Collect();
            var generatedNamespace = context.CompilationProvider
                .Select(static (compilation, _) => Naming.GeneratedNamespace(compilation.AssemblyName));

            var registration = registeredInterfaces
                .Combine(registeredClasses)
                .Combine(generatedNamespace)
                .Select(static (input, _) => CreateRegistration(input.Left.Left, input.Left.Right, input.Right));

            context.RegisterSourceOutput(registration, static (output, model) =>
            {
                if (RegistrationEmitter.HasContent(model)) output.AddSource(RegistrationEmitter.HintName, RegistrationEmitter.Emit(model));
            });
        }

        private static RegisteredInterface ToRegistered(InterfaceModel model)
            => new RegisteredInterface(
                model.FullName,
                model.ProxyName,
                model.Methods.Take(model.OwnMethodCount).Select(static m => m.InvokableName).ToEquatableArray(),
                model.IsPublic);

        private static RegistrationModel CreateRegistration(
            ImmutableArray<RegisteredInterface> interfaces,
            ImmutableArray<GrainClassModel> grainClasses,
            string generatedNamespace)
            => new RegistrationModel(
                generatedNamespace,
                interfaces.OrderBy(static i => i.FullName, StringComparer.Ordinal).ToEquatableArray(),
                grainClasses.OrderBy(static c => c.FullName, StringComparer.Ordinal).ToEquatableArray());
    }
}
