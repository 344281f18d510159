namespace Im.Orleans.Grains.Messages;

/// <summary>What one appended message became: the stored row, and whether it was already there (a retry).</summary>
public readonly record struct AppendOutcome(Message Stored, bool Duplicate);
