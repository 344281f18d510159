using Npgsql;

namespace Im.Orleans.Grains.Storage;

/// <summary>
/// The data source a PostgreSQL store runs on: the process's shared one (see <see cref="PostgresDataSources"/>), which
/// outlives the store, or, without a registry, one of its own that goes with the store.
/// </summary>
public sealed class PostgresDataSourceLease : IAsyncDisposable, IDisposable
{
    private readonly bool _owned;

    private PostgresDataSourceLease(NpgsqlDataSource source, bool owned)
    {
        Source = source;
        _owned = owned;
    }

    public NpgsqlDataSource Source { get; }

    /// <summary>The shared source for <paramref name="connectionString"/>, or a new owned one when <paramref name="shared"/> is null.</summary>
    public static PostgresDataSourceLease For(string connectionString, PostgresDataSources? shared) =>
        shared is null ? new(NpgsqlDataSource.Create(connectionString), owned: true) : new(shared.Get(connectionString), owned: false);

    /// <summary>A source the caller owns and disposes.</summary>
    public static PostgresDataSourceLease Borrow(NpgsqlDataSource source) => new(source, owned: false);

    public ValueTask DisposeAsync() => _owned ? Source.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned) Source.Dispose();
    }
}
