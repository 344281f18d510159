using System.Collections;
using System.Reflection;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>
/// What a generated registration put into a <see cref="GeneratedCodeRegistry"/>. The registry's contents are internal
/// to the runtime (which does not grant this test assembly access), so they are read by reflection.
/// </summary>
internal sealed record RegistrySnapshot(
    IReadOnlyDictionary<Type, (Func<GrainId, IGrainReferenceRuntime, GrainReference> ProxyFactory, Func<Invokable>[] InvokableFactories)> Interfaces,
    IReadOnlySet<Type> GrainClasses)
{
    private const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Instantiates the assembly's registration as the runtime does and snapshots what it registered.</summary>
    public static RegistrySnapshot Register(Assembly assembly)
    {
        var attribute = assembly.GetCustomAttribute<GeneratedCodeAttribute>()
            ?? throw new InvalidOperationException("The assembly has no [GeneratedCode] attribute.");
        var registration = (IGeneratedCodeRegistration)Activator.CreateInstance(attribute.RegistrationType, nonPublic: true)!;
        var registry = new GeneratedCodeRegistry();
        registration.Register(registry);
        return From(registry);
    }

    public static RegistrySnapshot From(GeneratedCodeRegistry registry)
    {
        var interfaces = new Dictionary<Type, (Func<GrainId, IGrainReferenceRuntime, GrainReference>, Func<Invokable>[])>();
        foreach (var entry in (IEnumerable)Property(registry, "Interfaces"))
        {
            var value = Property(entry, "Value");
            interfaces.Add(
                (Type)Property(entry, "Key"),
                ((Func<GrainId, IGrainReferenceRuntime, GrainReference>)Property(value, "ProxyFactory"), (Func<Invokable>[])Property(value, "InvokableFactories")));
        }

        var classes = ((IEnumerable<Type>)Property(registry, "GrainClasses")).ToHashSet();
        return new RegistrySnapshot(interfaces, classes);
    }

    private static object Property(object instance, string name)
        => instance.GetType().GetProperty(name, Flags)?.GetValue(instance)
            ?? throw new InvalidOperationException($"{instance.GetType()} has no readable property {name}; has the registry contract changed?");
}
