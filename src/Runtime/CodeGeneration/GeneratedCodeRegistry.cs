using Im.Orleans.Runtime;

namespace Im.Orleans.CodeGeneration;

/// <summary>Generated code registers its proxies, invokables and grain classes here (one call per assembly).</summary>
public sealed class GeneratedCodeRegistry
{
    private readonly Dictionary<Type, InterfaceRegistration> _interfaces = new();
    private readonly HashSet<Type> _grainClasses = new();

    internal IReadOnlyDictionary<Type, InterfaceRegistration> Interfaces => _interfaces;

    internal IReadOnlyCollection<Type> GrainClasses => _grainClasses;

    /// <summary>Registers a grain or observer interface with its proxy factory and one invokable factory per own method.</summary>
    public void AddInterface(Type interfaceType, Func<GrainId, IGrainReferenceRuntime, GrainReference> proxyFactory, Func<Invokable>[] invokableFactories)
    {
        ArgumentNullException.ThrowIfNull(interfaceType);
        ArgumentNullException.ThrowIfNull(proxyFactory);
        ArgumentNullException.ThrowIfNull(invokableFactories);
        _interfaces[interfaceType] = new InterfaceRegistration(interfaceType, proxyFactory, invokableFactories);
    }

    /// <summary>Registers a concrete grain class.</summary>
    public void AddGrainClass(Type grainClass)
    {
        ArgumentNullException.ThrowIfNull(grainClass);
        _grainClasses.Add(grainClass);
    }
}

/// <summary>A registered interface: how to make its proxy and how to make an empty invokable per method id.</summary>
internal sealed record InterfaceRegistration(Type InterfaceType, Func<GrainId, IGrainReferenceRuntime, GrainReference> ProxyFactory, Func<Invokable>[] InvokableFactories);
