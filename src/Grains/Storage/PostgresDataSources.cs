using Npgsql;

namespace Im.Orleans.Grains.Storage;

/// <summary>
/// One pooled <see cref="NpgsqlDataSource"/> per connection string for the whole process, so the PostgreSQL stores of
/// a node (grain state, message log, membership, accounts, files) share one pool: the node's connection count is
/// bounded by one <c>Maximum Pool Size</c>, not one per store. Disposing it disposes every source it handed out.
/// </summary>
public sealed class PostgresDataSources : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>The process's data source for <paramref name="connectionString"/>, created on first use; callers must not dispose it.</summary>
    public NpgsqlDataSource Get(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        lock (_sources)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sources.TryGetValue(connectionString, out var source))
            {
                source = NpgsqlDataSource.Create(connectionString);
                _sources[connectionString] = source;
            }
            return source;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in TakeAll()) await source.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var source in TakeAll()) source.Dispose();
    }

    private NpgsqlDataSource[] TakeAll()
    {
        lock (_sources)
        {
            _disposed = true;
            NpgsqlDataSource[] sources = [.. _sources.Values];
            _sources.Clear();
            return sources;
        }
    }
}
