using System.Text;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.Desks.Audit;

/// <summary>The audit log as a table of the embedded default's SQLite chat database (messages.db).</summary>
internal sealed class SqliteAuditLog : IAuditLog
{
    // Times are UTC ticks: exact round trips and integer range comparisons. AUTOINCREMENT so an id is never reused,
    // which keeps a page cursor valid for good.
    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS desk_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ticks INTEGER NOT NULL,
            actor TEXT NOT NULL,
            desk_id TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            details TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS desk_audit_by_desk ON desk_audit (desk_id, id);
        CREATE INDEX IF NOT EXISTS desk_audit_by_actor ON desk_audit (actor, id);
        """;

    private readonly SqliteConnectionFactory _connections;
    private readonly string _databaseFile;
    private readonly AsyncOnce _schema;

    public SqliteAuditLog(MessageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _databaseFile = options.SqlitePath;
        _connections = new SqliteConnectionFactory(new SqliteConnectionStringBuilder { DataSource = _databaseFile, Pooling = true }.ConnectionString, options.BusyTimeout);
        _schema = new AsyncOnce(ct => Task.Run(() =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_databaseFile)!);
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            command.CommandText = CreateSchema;
            command.ExecuteNonQuery();
        }, ct));
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    public async Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        AuditQueries.ValidateEntry(entry);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO desk_audit (at_ticks, actor, desk_id, action, target, details)
                VALUES ($at, $actor, $desk, $action, $target, $details) RETURNING id;
                """;
            command.Parameters.AddWithValue("$at", entry.At.UtcTicks);
            command.Parameters.AddWithValue("$actor", entry.Actor);
            command.Parameters.AddWithValue("$desk", entry.DeskId);
            command.Parameters.AddWithValue("$action", entry.Action);
            command.Parameters.AddWithValue("$target", entry.Target);
            command.Parameters.AddWithValue("$details", (object?)entry.Details ?? DBNull.Value);
            var id = (long)command.ExecuteScalar()!;
            return entry with { Id = id };
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        AuditQueries.Validate(query);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT id, at_ticks, actor, desk_id, action, target, details FROM desk_audit WHERE 1 = 1");
            if (query.BeforeId is { } before) Filter(sql, command, " AND id < $before", "$before", before);
            if (query.DeskId is { } desk) Filter(sql, command, " AND desk_id = $desk", "$desk", desk);
            if (query.Actor is { } actor) Filter(sql, command, " AND actor = $actor", "$actor", actor);
            if (query.From is { } from) Filter(sql, command, " AND at_ticks >= $from", "$from", from.UtcTicks);
            if (query.To is { } to) Filter(sql, command, " AND at_ticks < $to", "$to", to.UtcTicks);
            sql.Append(" ORDER BY id DESC LIMIT $limit");
            command.Parameters.AddWithValue("$limit", query.Limit + 1);
            command.CommandText = sql.ToString();
            var found = new List<AuditEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                found.Add(new AuditEntry(
                    reader.GetInt64(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetString(2),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
            return AuditQueries.Page(found, query.Limit);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static void Filter(StringBuilder sql, SqliteCommand command, string clause, string name, object value)
    {
        sql.Append(clause);
        command.Parameters.AddWithValue(name, value);
    }
}
