using System.Globalization;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;

namespace Im.Orleans.Storage;

/// <summary>
/// The ETag semantics shared by every provider: versions as ETags, conditional writes and clears, cleared rows
/// kept as tombstones, and failures other than conflicts wrapped in <see cref="GrainStorageException"/>.
/// </summary>
internal sealed class VersionedStateOperations(string providerName, GrainSerializer serializer, IStateRecordStore store)
{
    public string ProviderName { get; } = providerName;

    public async Task ReadAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Validate(stateName, grainId, grainState);
        StateRecord? record;
        T state;
        try
        {
            record = await store.ReadAsync(grainId, stateName).ConfigureAwait(false);
            state = record?.Payload is { } payload ? serializer.Deserialize<T>(payload) : NewState<T>.Create();
        }
        catch (Exception e) when (IsFailure(e))
        {
            throw Failure("read", stateName, grainId, e);
        }

        // Assigned only after everything succeeded so a failed read leaves the caller's state untouched.
        grainState.State = state;
        grainState.ETag = record is { } r ? FormatEtag(r.Version) : null;
        grainState.RecordExists = record?.Payload is not null;
    }

    public async Task WriteAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Validate(stateName, grainId, grainState);
        byte[] payload;
        try
        {
            payload = serializer.Serialize(grainState.State);
        }
        catch (Exception e) when (IsFailure(e))
        {
            throw Failure("write", stateName, grainId, e);
        }

        var version = await StoreAsync("write", stateName, grainId, grainState.ETag, payload).ConfigureAwait(false);
        grainState.ETag = FormatEtag(version);
        grainState.RecordExists = true;
    }

    public async Task ClearAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Validate(stateName, grainId, grainState);

        // A tombstone instead of a delete: deleting would reset the version, and a writer still holding an old
        // ETag (or none) could then overwrite state that was cleared after it last read.
        var version = await StoreAsync("clear", stateName, grainId, grainState.ETag, payload: null).ConfigureAwait(false);
        grainState.ETag = FormatEtag(version);
        grainState.RecordExists = false;
        grainState.State = NewState<T>.Create();
    }

    /// <summary>Inserts (null ETag) or conditionally updates the row; returns the new version.</summary>
    private async Task<long> StoreAsync(string operation, string stateName, GrainId grainId, string? etag, byte[]? payload)
    {
        bool stored;
        long newVersion;
        StateRecord? current = null;
        try
        {
            if (etag is null)
            {
                newVersion = 1;
                stored = await store.TryInsertAsync(grainId, stateName, payload).ConfigureAwait(false);
            }
            else if (TryParseEtag(etag, out var expected))
            {
                newVersion = expected + 1;
                stored = await store.TryUpdateAsync(grainId, stateName, expected, newVersion, payload).ConfigureAwait(false);
            }
            else
            {
                // No stored version can equal an ETag this provider never produced.
                newVersion = 0;
                stored = false;
            }

            if (!stored) current = await store.ReadAsync(grainId, stateName).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e))
        {
            throw Failure(operation, stateName, grainId, e);
        }

        if (stored) return newVersion;
        var storedEtag = current is { } c ? FormatEtag(c.Version) : null;
        throw new InconsistentStateException(
            $"Grain storage '{ProviderName}' refused to {operation} state '{stateName}' of grain {grainId}: " +
            $"the stored ETag is '{storedEtag ?? "(none)"}' but the activation presented '{etag ?? "(none)"}'.",
            storedEtag, etag);
    }

    private GrainStorageException Failure(string operation, string stateName, GrainId grainId, Exception e) =>
        new($"Grain storage '{ProviderName}' failed to {operation} state '{stateName}' of grain {grainId}: {e.Message}", e);

    private static bool IsFailure(Exception e) => e is not InconsistentStateException and not GrainStorageException;

    private static string FormatEtag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseEtag(string etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;

    private static void Validate<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainId.IsDefault) throw new ArgumentException("The grain id is the default value.", nameof(grainId));
    }
}
