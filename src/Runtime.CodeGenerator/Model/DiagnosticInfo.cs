using System.Linq;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>A diagnostic to report, kept as equatable values until the output stage.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
            => new DiagnosticInfo(descriptor.Id, location, arguments.ToEquatableArray());

        public Diagnostic ToDiagnostic()
            => Diagnostic.Create(DiagnosticDescriptors.Get(Id), Location?.ToLocation(), Arguments.Cast<object>().ToArray());
    }
}
