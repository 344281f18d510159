using System.Text;
using Im.Orleans.Grains.Storage;
using Npgsql;

namespace Im.Orleans.Grains.Desks.Audit;

/// <summary>The audit log as a PostgreSQL table beside the message log (cluster mode).</summary>
internal sealed class PostgresAuditLog(string connectionString, PostgresDataSources? shared = null)
    : PostgresStore(connectionString, shared, CreateSchema), IAuditLog
{
    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS desk_audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            actor text NOT NULL,
            desk_id text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            details text NULL
        );
        CREATE INDEX IF NOT EXISTS desk_audit_by_desk ON desk_audit (desk_id, id);
        CREATE INDEX IF NOT EXISTS desk_audit_by_actor ON desk_audit (actor, id);
        """;

    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(cancellationToken);

    public async Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        AuditQueries.ValidateEntry(entry);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // No retry on a lost connection: unlike an upsert, a second insert could log the action twice.
        await using var command = DataSource.CreateCommand("""
            INSERT INTO desk_audit (at, actor, desk_id, action, target, details)
            VALUES (@at, @actor, @desk, @action, @target, @details) RETURNING id
            """);
        command.Parameters.AddWithValue("at", entry.At.ToUniversalTime());
        command.Parameters.AddWithValue("actor", entry.Actor);
        command.Parameters.AddWithValue("desk", entry.DeskId);
        command.Parameters.AddWithValue("action", entry.Action);
        command.Parameters.AddWithValue("target", entry.Target);
        command.Parameters.AddWithValue("details", (object?)entry.Details ?? DBNull.Value);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return entry with { Id = id };
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        AuditQueries.Validate(query);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand();
        var sql = new StringBuilder("SELECT id, at, actor, desk_id, action, target, details FROM desk_audit WHERE true");
        if (query.BeforeId is { } before) Filter(sql, command, " AND id < @before", "before", before);
        if (query.DeskId is { } desk) Filter(sql, command, " AND desk_id = @desk", "desk", desk);
        if (query.Actor is { } actor) Filter(sql, command, " AND actor = @actor", "actor", actor);
        if (query.From is { } from) Filter(sql, command, " AND at >= @from", "from", from.ToUniversalTime());
        if (query.To is { } to) Filter(sql, command, " AND at < @to", "to", to.ToUniversalTime());
        sql.Append(" ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        var found = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new AuditEntry(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return AuditQueries.Page(found, query.Limit);
    }

    private static void Filter(StringBuilder sql, NpgsqlCommand command, string clause, string name, object value)
    {
        sql.Append(clause);
        command.Parameters.AddWithValue(name, value);
    }
}
