namespace Im.Orleans.Storage;

/// <summary>One stored row: its version and its serialized state, null when the state was cleared.</summary>
internal readonly record struct StateRecord(long Version, byte[]? Payload);
