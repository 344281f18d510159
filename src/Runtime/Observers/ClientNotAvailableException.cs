namespace Im.Orleans.Runtime;

/// <summary>A call targets an observer object that no longer exists (deleted, or its process went away).</summary>
public sealed class ClientNotAvailableException(string message) : Exception(message);
