using System.Collections.Generic;
using System.Linq;
using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Turns one interface method into a <see cref="MethodModel"/>, collecting the reasons it cannot be one.</summary>
    internal sealed class MethodModelBuilder
    {
        private readonly INamedTypeSymbol _declaring;
        private readonly string _declaringName;
        private readonly LocationInfo? _fallbackLocation;
        private readonly List<DiagnosticInfo> _diagnostics;

        public MethodModelBuilder(INamedTypeSymbol declaring, LocationInfo? fallbackLocation, List<DiagnosticInfo> diagnostics)
        {
            _declaring = declaring;
            _declaringName = declaring.ToDisplayString();
            _fallbackLocation = fallbackLocation;
            _diagnostics = diagnostics;
        }

        /// <summary>True when a type failed to bind: generate nothing and leave the error to the compiler.</summary>
        public bool HasBindingErrors { get; private set; }

        /// <summary>The model, or null after adding at least one diagnostic (or on a binding error).</summary>
        public MethodModel? Build(IMethodSymbol method, int methodId, string invokableName, bool isExternal)
        {
            var location = LocationInfo.From(method, _fallbackLocation);
            var methodName = method.Name;
            var errors = _diagnostics.Count;

            if (TypeChecks.ContainsError(method.ReturnType) || method.Parameters.Any(static p => TypeChecks.ContainsError(p.Type)))
            {
                HasBindingErrors = true;
                return null;
            }

            if (method.IsGenericMethod)
            {
                // Its type parameters would also fail every type check below; one diagnostic says it all.
                Report(DiagnosticDescriptors.GenericMethod, location, methodName);
                return null;
            }

            var kind = TypeChecks.ClassifyReturn(method, out var resultType);
            if (kind is null) Report(DiagnosticDescriptors.UnsupportedReturnType, location, methodName, method.ReturnType.ToDisplayString());
            else if (resultType is not null && TypeChecks.IsUnsupported(resultType)) Report(DiagnosticDescriptors.UnsupportedType, location, methodName, resultType.ToDisplayString());

            var parameters = new List<ParameterModel>(method.Parameters.Length);
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None) Report(DiagnosticDescriptors.ByRefParameter, location, methodName, parameter.Name);
                else if (TypeChecks.IsUnsupported(parameter.Type)) Report(DiagnosticDescriptors.UnsupportedType, location, methodName, parameter.Type.ToDisplayString());

                // Metadata may hold unnamed parameters; they still need a name in the explicit implementation.
                var name = parameter.Name.Length == 0 ? "p" + parameter.Ordinal : parameter.Name;
                parameters.Add(new ParameterModel(
                    Naming.EscapeIdentifier(name),
                    Naming.Display(parameter.Type),
                    Naming.DisplayForTypeOf(parameter.Type),
                    parameter.IsParams));
            }

            var attributes = MethodAttributes.Read(method);
            var options = attributes.Options;
            if (kind == ReturnKind.Void) options |= OptionFlags.OneWay;
            if ((attributes.Options & OptionFlags.OneWay) != 0 && resultType is not null)
            {
                Report(DiagnosticDescriptors.OneWayWithResult, location, methodName, method.ReturnType.ToDisplayString());
            }

            long? timeoutTicks = null;
            if (attributes.TimeoutText is { } timeoutText)
            {
                timeoutTicks = MethodAttributes.ParseTimeoutTicks(timeoutText);
                if (timeoutTicks is null) Report(DiagnosticDescriptors.InvalidResponseTimeout, location, methodName, timeoutText);
            }

            if (_diagnostics.Count != errors || kind is null) return null;

            return new MethodModel(
                methodName,
                Naming.EscapeIdentifier(methodName),
                Naming.Display(_declaring),
                invokableName,
                methodId,
                kind.Value,
                resultType is null ? null : Naming.Display(resultType),
                parameters.ToEquatableArray(),
                options,
                timeoutTicks,
                isExternal);
        }

        private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, string methodName, string? detail = null)
        {
            var arguments = detail is null ? new[] { _declaringName, methodName } : new[] { _declaringName, methodName, detail };
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
        }
    }
}
