using Im.Orleans.CodeGenerator.Model;
using Microsoft.CodeAnalysis;

namespace Im.Orleans.CodeGenerator.Analysis
{
    /// <summary>Classifies return types and finds types that cannot be stored in an invokable's fields.</summary>
    internal static class TypeChecks
    {
        private const string TasksNamespace = "System.Threading.Tasks";

        /// <summary>The return shape of <paramref name="method"/> and its result type, or null when unsupported.</summary>
        public static ReturnKind? ClassifyReturn(IMethodSymbol method, out ITypeSymbol? resultType)
        {
            resultType = null;
            if (method.ReturnsVoid) return ReturnKind.Void;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly || method.ReturnType is not INamedTypeSymbol named) return null;
            if (KnownTypes.Is(named, TasksNamespace, "Task")) return ReturnKind.Task;
            if (KnownTypes.Is(named, TasksNamespace, "ValueTask")) return ReturnKind.ValueTask;
            if (KnownTypes.Is(named, TasksNamespace, "Task", arity: 1))
            {
                resultType = named.TypeArguments[0];
                return ReturnKind.TaskOfT;
            }

            if (KnownTypes.Is(named, TasksNamespace, "ValueTask", arity: 1))
            {
                resultType = named.TypeArguments[0];
                return ReturnKind.ValueTaskOfT;
            }

            return null;
        }

        /// <summary>True when the type (or one of its type arguments) cannot be a field, be boxed, or appear in typeof.</summary>
        public static bool IsUnsupported(ITypeSymbol type)
        {
            switch (type)
            {
                case IPointerTypeSymbol:
                case IFunctionPointerTypeSymbol:
                case ITypeParameterSymbol:
                case IDynamicTypeSymbol:
                    return true;
                case IArrayTypeSymbol array:
                    return IsUnsupported(array.ElementType);
                case INamedTypeSymbol named:
                    if (named.IsRefLikeType) return true;
                    for (var current = named; current is not null; current = current.ContainingType)
                    {
                        foreach (var argument in current.TypeArguments)
                        {
                            if (IsUnsupported(argument)) return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>True when the type failed to bind; the compiler reports that itself, so the generator stays quiet.</summary>
        public static bool ContainsError(ITypeSymbol type)
        {
            switch (type)
            {
                case IErrorTypeSymbol:
                    return true;
                case IArrayTypeSymbol array:
                    return ContainsError(array.ElementType);
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments)
                    {
                        if (ContainsError(argument)) return true;
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>True for generic types and types nested in generic types: both would need type arguments in typeof.</summary>
        public static bool IsGenericOrNestedInGeneric(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.Arity > 0) return true;
            }

            return false;
        }
    }
}
