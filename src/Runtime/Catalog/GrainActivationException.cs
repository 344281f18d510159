namespace Im.Orleans.Runtime;

/// <summary>A grain could not be activated (its constructor, state load or OnActivateAsync failed); names the grain and why.</summary>
public sealed class GrainActivationException : Exception
{
    public GrainActivationException(GrainId grainId, string message, Exception? innerException) : base(message, innerException) => GrainId = grainId;

    public GrainId GrainId { get; }
}
