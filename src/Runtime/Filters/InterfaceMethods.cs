using System.Collections.Concurrent;
using System.Reflection;
using Im.Orleans.CodeGeneration;

namespace Im.Orleans.Filters;

/// <summary>Maps an invokable back to its interface MethodInfo (by the generator's method ordering), cached.</summary>
internal static class InterfaceMethods
{
    private static readonly ConcurrentDictionary<Type, MethodInfo[]> s_methods = new();

    public static MethodInfo Find(Invokable request)
    {
        var methods = s_methods.GetOrAdd(request.InterfaceType, static t =>
            t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName).OrderBy(m => m.MetadataToken).ToArray());
        return (uint)request.MethodId < (uint)methods.Length && methods[request.MethodId].Name == request.MethodName
            ? methods[request.MethodId]
            : methods.First(m => m.Name == request.MethodName && m.GetParameters().Length == request.ArgumentCount);
    }
}
