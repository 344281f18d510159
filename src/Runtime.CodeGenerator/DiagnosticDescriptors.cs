using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator
{
    /// <summary>The diagnostics the generator reports for grain interfaces and classes it cannot generate code for.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Im.Orleans.CodeGenerator";

        public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
            "IMO001",
            "Unsupported grain method return type",
            "Method '{1}' of grain interface '{0}' returns '{2}'; grain methods must return Task, Task<T>, ValueTask, ValueTask<T> or void");

        public static readonly DiagnosticDescriptor GenericMethod = Error(
            "IMO002",
            "Generic grain methods are not supported",
            "Method '{1}' of grain interface '{0}' is generic; grain methods cannot have type parameters");

        public static readonly DiagnosticDescriptor ByRefParameter = Error(
            "IMO003",
            "ref, out and in parameters are not supported",
            "Parameter '{2}' of method '{1}' of grain interface '{0}' is passed by reference; grain method parameters must be passed by value");

        public static readonly DiagnosticDescriptor UnsupportedMember = Error(
            "IMO004",
            "Unsupported member in a grain interface",
            "Member '{1}' of grain interface '{0}' is not supported; grain interfaces may only declare instance methods");

        public static readonly DiagnosticDescriptor GenericInterface = Error(
            "IMO005",
            "Generic grain interfaces are not supported",
            "Grain interface '{0}' is or inherits the generic interface '{1}'; generic grain interfaces are not supported");

        public static readonly DiagnosticDescriptor OneWayWithResult = Error(
            "IMO006",
            "[OneWay] method returns a result",
            "Method '{1}' of grain interface '{0}' is [OneWay] but returns '{2}'; one-way methods must return Task, ValueTask or void");

        public static readonly DiagnosticDescriptor InvalidResponseTimeout = Error(
            "IMO007",
            "Invalid [ResponseTimeout] value",
            "Method '{1}' of grain interface '{0}' has [ResponseTimeout(\"{2}\")], which is not a positive TimeSpan such as \"00:00:05\"");

        public static readonly DiagnosticDescriptor UnsupportedType = Error(
            "IMO008",
            "Unsupported grain method parameter or result type",
            "Method '{1}' of grain interface '{0}' uses type '{2}'; pointers, ref structs, dynamic and type parameters cannot cross grain calls");

        public static readonly DiagnosticDescriptor InaccessibleInterface = Error(
            "IMO009",
            "Grain interface is not accessible to generated code",
            "Grain interface '{0}' must be public or internal (and not file-local or nested in a private or protected type) so that its proxy can implement it");

        public static readonly DiagnosticDescriptor NonGrainBaseInterface = Error(
            "IMO010",
            "Grain interface inherits a non-grain interface with members",
            "Grain interface '{0}' inherits '{1}', which declares members but is not a grain interface; make '{1}' extend IGrain or IGrainObserver");

        public static readonly DiagnosticDescriptor FileLocalGrainClass = new DiagnosticDescriptor(
            "IMO011",
            "File-local grain class cannot be registered",
            "Grain class '{0}' is file-local, so the generated registration cannot name it and the runtime will not find it",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        private static readonly Dictionary<string, DiagnosticDescriptor> ById = new[]
        {
            UnsupportedReturnType, GenericMethod, ByRefParameter, UnsupportedMember, GenericInterface, OneWayWithResult,
            InvalidResponseTimeout, UnsupportedType, InaccessibleInterface, NonGrainBaseInterface, FileLocalGrainClass,
        }.ToDictionary(static d => d.Id);

        public static DiagnosticDescriptor Get(string id) => ById[id];

        private static DiagnosticDescriptor Error(string id, string title, string message)
            => new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
    }
}
