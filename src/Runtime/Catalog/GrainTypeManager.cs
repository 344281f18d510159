using System.Collections.Concurrent;
using System.Reflection;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;

namespace Im.Orleans.Catalog;

/// <summary>
/// Knows every grain interface, its proxy and invokables, and which grain class serves each grain type —
/// from the registrations the source generator wrote into each loaded application assembly.
/// </summary>
internal sealed class GrainTypeManager
{
    private readonly Dictionary<Type, InterfaceRegistration> _interfaces = new();
    private readonly ConcurrentDictionary<(Type Interface, string Name), Func<Invokable>?> _factoriesByName = new();
    private readonly Dictionary<string, Type> _interfacesByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _grainTypes = new();
    private readonly Dictionary<string, List<Type>> _classesByGrainType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GrainClassInfo> _classInfos = new(StringComparer.Ordinal);

    public GrainTypeManager(IEnumerable<Assembly> applicationParts)
    {
        var registry = new GeneratedCodeRegistry();
        foreach (var assembly in ApplicationParts.Discover(applicationParts))
        {
            foreach (var attribute in assembly.GetCustomAttributes<GeneratedCodeAttribute>())
            {
                var registration = (IGeneratedCodeRegistration)Activator.CreateInstance(attribute.RegistrationType, nonPublic: true)!;
                registration.Register(registry);
            }
        }

        foreach (var (type, registration) in registry.Interfaces)
        {
            _interfaces[type] = registration;
            _interfacesByName[type.FullName!] = type;
        }

        foreach (var grainClass in registry.GrainClasses)
        {
            foreach (var grainInterface in grainClass.GetInterfaces().Where(i => _interfaces.ContainsKey(i) && typeof(IGrain).IsAssignableFrom(i)))
            {
                var grainType = GetGrainType(grainInterface);
                if (!_classesByGrainType.TryGetValue(grainType, out var classes)) _classesByGrainType[grainType] = classes = [];
                if (!classes.Contains(grainClass)) classes.Add(grainClass);
            }
        }
    }

    /// <summary>The grain type of an interface: [GrainType] if present, else the interface's full name.</summary>
    public string GetGrainType(Type grainInterface) =>
        _grainTypes.GetOrAdd(grainInterface, static t => t.GetCustomAttribute<GrainTypeAttribute>()?.GrainType ?? t.FullName!.Replace('+', '.'));

    /// <summary>The grain type a grain class serves (the first, if its interfaces name several).</summary>
    public string GetGrainTypeOfClass(Type grainClass) =>
        _classesByGrainType.Where(p => p.Value.Contains(grainClass)).Select(p => p.Key).OrderBy(t => t, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new ArgumentException($"{grainClass.FullName} is not a registered grain class (derive from Grain, implement a grain interface, build with ImOrleansCodeGen=true).");

    public InterfaceRegistration GetInterface(Type interfaceType) =>
        _interfaces.TryGetValue(interfaceType, out var registration)
            ? registration
            : throw new InvalidOperationException($"'{interfaceType.FullName}' has no generated proxy. Is it a grain or observer interface, and was its assembly built with ImOrleansCodeGen=true?");

    /// <summary>The interface a request from another process names by its full name.</summary>
    public Type GetInterfaceByName(string fullName) =>
        _interfacesByName.TryGetValue(fullName, out var type)
            ? type
            : throw new InvalidOperationException($"No grain or observer interface '{fullName}' is known here. Do all nodes run the same build?");

    /// <summary>
    /// An empty invokable for a method, for requests arriving from another process. The id is the method's position
    /// in the interface, which a node built from another version of it may number differently (a rolling deploy):
    /// the name decides, so such a call reaches the method it names or fails saying so, never a neighbour.
    /// </summary>
    public Invokable CreateInvokable(Type interfaceType, int methodId, string methodName)
    {
        var factories = GetInterface(interfaceType).InvokableFactories;
        if ((uint)methodId < (uint)factories.Length)
        {
            var byId = factories[methodId]();
            if (byId.MethodName == methodName) return byId;
        }
        var byName = _factoriesByName.GetOrAdd((interfaceType, methodName), static (key, all) =>
        {
            var named = all.Where(f => f().MethodName == key.Name).ToArray();
            return named.Length == 1 ? named[0] : null;
        }, factories);
        return byName?.Invoke() ?? throw new InvalidOperationException(
            $"'{interfaceType.FullName}' has no method {methodName} here (the caller numbers it {methodId}), or several by that name. Do all nodes run the same build?");
    }

    public GrainClassInfo GetClassInfo(GrainId grainId) => _classInfos.GetOrAdd(grainId.Type, static (type, self) =>
    {
        if (!self._classesByGrainType.TryGetValue(type, out var classes) || classes.Count == 0)
            throw new GrainClassNotFoundException($"No grain class implements grain type '{type}'. Is the assembly with the grain class loaded, derived from Grain, and built with ImOrleansCodeGen=true?");
        if (classes.Count > 1)
            throw new GrainClassNotFoundException($"Grain type '{type}' has several implementations ({string.Join(", ", classes.Select(c => c.FullName))}); give their interfaces distinct [GrainType] names.");
        return new GrainClassInfo(classes[0], type);
    }, this);
}
