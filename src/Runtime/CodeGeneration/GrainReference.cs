using Im.Orleans.Runtime;

namespace Im.Orleans.CodeGeneration;

/// <summary>
/// Base of every generated grain and observer proxy: it names its target by <see cref="GrainId"/> and hands each
/// call to the runtime, which routes it to wherever the target lives.
/// </summary>
public abstract class GrainReference : IAddressable, IEquatable<GrainReference>
{
    protected GrainReference(GrainId grainId, IGrainReferenceRuntime runtime)
    {
        GrainId = grainId;
        Runtime = runtime;
    }

    public GrainId GrainId { get; }

    /// <summary>The interface this proxy implements.</summary>
    public abstract Type InterfaceType { get; }

    internal IGrainReferenceRuntime Runtime { get; }

    protected Task InvokeAsync(VoidRequest request) => Runtime.InvokeAsync(this, request);

    protected Task<TResult> InvokeAsync<TResult>(Request<TResult> request) => Runtime.InvokeAsync(this, request);

    protected void InvokeOneWay(Invokable request) => Runtime.InvokeOneWay(this, request);

    public bool Equals(GrainReference? other) => other is not null && GrainId == other.GrainId;
    public override bool Equals(object? obj) => Equals(obj as GrainReference);
    public override int GetHashCode() => GrainId.GetHashCode();
    public override string ToString() => $"{InterfaceType.Name}:{GrainId}";
}
