namespace Im.Orleans.Storage;

/// <summary>A grain's state as exchanged with a storage provider.</summary>
public interface IGrainState<T>
{
    T State { get; set; }

    /// <summary>The version of the stored record; null when nothing has been stored.</summary>
    string? ETag { get; set; }

    bool RecordExists { get; set; }
}
