namespace Im.Orleans.Runtime;

/// <summary>A call targets a grain type that no loaded grain class implements.</summary>
public sealed class GrainClassNotFoundException(string message) : Exception(message);
