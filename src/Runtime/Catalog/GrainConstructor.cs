using System.Reflection;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Im.Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Catalog;

/// <summary>
/// Builds grain instances: services from DI, and IPersistentState&lt;T&gt; for parameters marked [PersistentState].
/// The constructor is analysed once per class; each activation only resolves and invokes.
/// </summary>
internal sealed class GrainConstructor
{
    private readonly ConstructorInfo _constructor;
    private readonly Func<ActivationData, object>[] _arguments;

    private GrainConstructor(ConstructorInfo constructor, Func<ActivationData, object>[] arguments)
    {
        _constructor = constructor;
        _arguments = arguments;
    }

    public static GrainConstructor For(Type grainClass, IServiceProvider services)
    {
        var constructors = grainClass.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length == 0) throw new InvalidOperationException($"Grain class '{grainClass.FullName}' has no public constructor.");
        var constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => ArgumentFor(grainClass, p, services)).ToArray();
        return new GrainConstructor(constructor, arguments);
    }

    public object Create(ActivationData activation)
    {
        var values = new object[_arguments.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _arguments[i](activation);
        try
        {
            return _constructor.Invoke(values);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static Func<ActivationData, object> ArgumentFor(Type grainClass, ParameterInfo parameter, IServiceProvider services)
    {
        var type = parameter.ParameterType;
        var stateAttribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
        if (stateAttribute is null)
        {
            return activation => activation.Runtime.ServiceProvider.GetService(type)
                ?? throw new InvalidOperationException($"Grain class '{grainClass.FullName}' needs a {type.Name} for parameter '{parameter.Name}', and no such service is registered.");
        }

        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            throw new InvalidOperationException($"Parameter '{parameter.Name}' of '{grainClass.FullName}' has [PersistentState] but is not IPersistentState<T>.");

        var storageName = stateAttribute.StorageName ?? GrainStorageNames.Default;
        var stateType = type.GetGenericArguments()[0];
        var serializer = services.GetRequiredService<GrainSerializer>();
        if (serializer.GetProblem(stateType) is { } problem)
            throw new InvalidOperationException($"State '{stateAttribute.StateName}' of '{grainClass.FullName}' cannot be stored: {problem}");
        var stateClass = typeof(PersistentState<>).MakeGenericType(stateType);
        return activation =>
        {
            var storage = activation.Runtime.ServiceProvider.GetKeyedService<IGrainStorage>(storageName)
                ?? throw new InvalidOperationException($"Grain '{activation.GrainId}' needs grain storage '{storageName}' for state '{stateAttribute.StateName}', and none is configured (AddMemoryGrainStorage, AddSqliteGrainStorage or AddPostgresGrainStorage).");
            var state = (IActivationStateLoader)Activator.CreateInstance(stateClass, stateAttribute.StateName, storageName, storage, activation.GrainId)!;
            activation.AddStateLoader(state);
            return state;
        };
    }
}
