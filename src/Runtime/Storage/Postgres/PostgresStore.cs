using Npgsql;

namespace Im.Orleans.Storage;

/// <summary>
/// A store on a PostgreSQL data source (the process's shared one, or its own; see <see cref="PostgresDataSourceLease"/>)
/// whose schema script runs once, on first use; a failure (the database not up yet) is retried by the next call.
/// </summary>
public abstract class PostgresStore : IAsyncDisposable
{
    private readonly PostgresDataSourceLease _lease;
    private readonly AsyncOnce _schema;

    protected PostgresStore(string connectionString, PostgresDataSources? shared, string createSchemaSql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(createSchemaSql);
        _lease = PostgresDataSourceLease.For(connectionString, shared);
        _schema = new AsyncOnce(ct => PostgresSchema.CreateAsync(DataSource, createSchemaSql, ct));
    }

    protected NpgsqlDataSource DataSource => _lease.Source;

    protected Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _lease.DisposeAsync();
    }
}
