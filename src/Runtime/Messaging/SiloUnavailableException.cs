namespace Im.Orleans.Runtime;

/// <summary>
/// A call could not complete because the node serving it went away (connection lost, node declared dead) or would
/// not take more work. The call may or may not have run; callers retry idempotent calls.
/// </summary>
public sealed class SiloUnavailableException(string message) : Exception(message);
