namespace Im.Orleans.Storage;

/// <summary>
/// A write or clear found a different version in storage than the activation last saw. The runtime deactivates
/// the activation that threw it, so the next call re-reads the stored state.
/// </summary>
public class InconsistentStateException : Exception
{
    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message) : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public InconsistentStateException(string message, string? storedEtag, string? currentEtag) : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The ETag found in storage, when the provider knows it.</summary>
    public string? StoredEtag { get; }

    /// <summary>The ETag the activation presented.</summary>
    public string? CurrentEtag { get; }
}
