using System.Runtime.CompilerServices;
using Im.Orleans.Catalog;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Observers;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;

namespace Im.Orleans.Core;

/// <summary>Hands out grain references (never activating anything) and binds local observer objects to references.</summary>
internal sealed class GrainFactory(GrainTypeManager types, GrainCatalog catalog, LocalNode node, IGrainReferenceRuntime referenceRuntime) : IGrainFactory, IGrainReferenceActivator
{
    private readonly ConditionalWeakTable<object, ObjectBinding> _objects = new();

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        return Create<TGrainInterface>(new GrainId(types.GetGrainType(typeof(TGrainInterface)), primaryKey));
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey =>
        Create<TGrainInterface>(new GrainId(types.GetGrainType(typeof(TGrainInterface)), GrainKeyFormat.Format(primaryKey)));

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey =>
        Create<TGrainInterface>(new GrainId(types.GetGrainType(typeof(TGrainInterface)), GrainKeyFormat.Format(primaryKey)));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => Create<TGrainInterface>(grainId);

    public TObserver CreateObjectReference<TObserver>(IGrainObserver obj) where TObserver : IGrainObserver
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj is GrainReference) throw new ArgumentException("The object is already a reference.", nameof(obj));
        if (obj is not TObserver) throw new ArgumentException($"The object does not implement {typeof(TObserver).Name}.", nameof(obj));
        lock (_objects)
        {
            if (!_objects.TryGetValue(obj, out var binding))
            {
                binding = new ObjectBinding(ObserverGrainId.Create(node.Id));
                catalog.RegisterLocalObject(binding.GrainId, obj, typeof(TObserver));
                _objects.Add(obj, binding);
            }
            return Create<TObserver>(binding.GrainId);
        }
    }

    public void DeleteObjectReference<TObserver>(IGrainObserver obj) where TObserver : IGrainObserver
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_objects)
        {
            if (!_objects.TryGetValue(obj, out var binding)) throw new ArgumentException("The object has no reference.", nameof(obj));
            _objects.Remove(obj);
            catalog.UnregisterLocalObject(binding.GrainId);
        }
    }

    public object CreateReference(Type interfaceType, GrainId grainId) => types.GetInterface(interfaceType).ProxyFactory(grainId, referenceRuntime);

    private TInterface Create<TInterface>(GrainId grainId) => (TInterface)CreateReference(typeof(TInterface), grainId);

    private sealed record ObjectBinding(GrainId GrainId);
}
