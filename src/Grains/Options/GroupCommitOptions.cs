namespace Im.Orleans.Grains.Options;

/// <summary>
/// Group commit of the message log, bound from "Chat:MessageStore:GroupCommit": one writer takes the appends of all
/// conversations that are waiting and commits them in one transaction, so the per-commit flush to disk (fsync) is paid
/// once per group instead of once per conversation batch.
/// </summary>
public sealed class GroupCommitOptions
{
    /// <summary>At most this many conversation batches go into one transaction (what is left waits for the next).</summary>
    public int MaxBatches { get; set; } = 256;

    /// <summary>At most about this many messages per transaction; a single larger batch is still written whole.</summary>
    public int MaxMessages { get; set; } = 4096;
}
