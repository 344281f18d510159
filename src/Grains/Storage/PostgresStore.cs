using Npgsql;

namespace Im.Orleans.Grains.Storage;

/// <summary>
/// A store on a PostgreSQL data source (the process's shared one, or its own; see <see cref="PostgresDataSourceLease"/>)
/// whose schema script runs once, on first use; a failure (the database not up yet) is retried by the next call.
/// </summary>
public abstract class PostgresStore : IAsyncDisposable, IDisposable
{
    private readonly PostgresDataSourceLease _lease;
    private readonly string _createSchemaSql;
    private readonly AsyncOnce _schema;

    protected PostgresStore(string connectionString, PostgresDataSources? shared, string createSchemaSql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(createSchemaSql);
        _lease = PostgresDataSourceLease.For(connectionString, shared);
        _createSchemaSql = createSchemaSql;
        _schema = new AsyncOnce(CreateSchemaAsync);
    }

    protected NpgsqlDataSource DataSource => _lease.Source;

    protected Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <summary>Runs the schema script; called once by <see cref="EnsureSchemaAsync"/>, again only after a failure.</summary>
    protected virtual Task CreateSchemaAsync(CancellationToken cancellationToken) => PostgresSchema.CreateAsync(DataSource, _createSchemaSql, cancellationToken);

    // Disposing twice is harmless: a store registered as two services (say as itself and as an interface) is
    // disposed by the container once for each.
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await DisposingAsync().ConfigureAwait(false);
        await _lease.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        DisposingAsync().AsTask().GetAwaiter().GetResult();
        _lease.Dispose();
    }

    /// <summary>Work that must finish while the data source is still open (a store's queued writes).</summary>
    protected virtual ValueTask DisposingAsync() => ValueTask.CompletedTask;
}
