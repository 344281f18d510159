using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Im.Orleans.Grains.Storage;

/// <summary>Creates the tables and OrleansQuery rows the Orleans ADO.NET clustering and grain storage providers need.</summary>
/// <remarks>
/// The providers ship no SQL: they read their queries from OrleansQuery at start-up. Both methods are idempotent and
/// keep existing data; each run rewrites the query texts, so a deploy that changes a query takes effect on the next
/// start of each process (a running silo keeps the texts it loaded).
/// </remarks>
public static class OrleansSchema
{
    // Any constant shared by every process that installs this schema; it only has to differ from the database's other
    // advisory lock keys. Without the lock, two silos starting together can both try CREATE TABLE IF NOT EXISTS and
    // one fails on the catalog's unique index.
    private const long PostgresLockKey = 0x4F_52_4C_45_41_4E_53; // "ORLEANS"

    private const string UpsertQuerySql = """
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText
        WHERE OrleansQuery.QueryText <> excluded.QueryText
        """;

    /// <summary>Installs clustering (silos and clients) and grain storage on PostgreSQL, for the invariant "Npgsql".</summary>
    public static async Task EnsurePostgresAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Transaction-scoped, so a process that dies half-way releases it with its connection.
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", PostgresLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, OrleansSql.Script("postgres-tables.sql"), cancellationToken).ConfigureAwait(false);
        await UpsertQueriesAsync(connection, transaction, OrleansSql.Queries("postgres-clustering.sql"), cancellationToken).ConfigureAwait(false);
        await UpsertQueriesAsync(connection, transaction, OrleansSql.Queries("postgres-persistence.sql"), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="EnsurePostgresAsync(NpgsqlDataSource, CancellationToken)"/>
    public static async Task EnsurePostgresAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await EnsurePostgresAsync(dataSource, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Installs grain storage (no clustering) on SQLite and switches the file to WAL, for the invariant "System.Data.SQLite",
    /// which the provider maps to Microsoft.Data.Sqlite.
    /// </summary>
    public static async Task EnsureSqliteAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL lets reads run beside the provider's writes. The mode is stored in the file, so the provider's own
        // connections get it too; it cannot be changed inside a transaction, hence before one.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions, so a second installer waits instead of interleaving.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, OrleansSql.Script("sqlite-tables.sql"), cancellationToken).ConfigureAwait(false);
        await UpsertQueriesAsync(connection, transaction, OrleansSql.Queries("sqlite-persistence.sql"), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The WHERE on the update skips unchanged texts, so a routine restart writes no new row versions.
    private static async Task UpsertQueriesAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<KeyValuePair<string, string>> queries, CancellationToken cancellationToken)
    {
        foreach (var (key, text) in queries)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = UpsertQuerySql;
            AddParameter(command, "key", key);
            AddParameter(command, "text", text);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
