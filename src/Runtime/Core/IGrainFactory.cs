namespace Im.Orleans;

/// <summary>Creates references to grains and observer objects; getting a reference never activates anything.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey;
    TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey) where TGrainInterface : IGrainWithGuidKey;
    TGrainInterface GetGrain<TGrainInterface>(long primaryKey) where TGrainInterface : IGrainWithIntegerKey;
    TGrainInterface GetGrain<TGrainInterface>(Runtime.GrainId grainId) where TGrainInterface : IAddressable;

    /// <summary>Wraps a local object so grains can call it; the reference can be passed to grains anywhere.</summary>
    TObserver CreateObjectReference<TObserver>(IGrainObserver obj) where TObserver : IGrainObserver;

    /// <summary>Stops routing calls to an object made with <see cref="CreateObjectReference{TObserver}"/>.</summary>
    void DeleteObjectReference<TObserver>(IGrainObserver obj) where TObserver : IGrainObserver;
}
