using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.Messages;

/// <summary>Edits, reactions and per-user hiding in the SQLite log, and the columns a log from before them lacks.</summary>
internal sealed partial class SqliteMessageStore
{
    public Task<bool> EditAsync(string conversationId, long seq, string text, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var command = Command(connection, SqliteMessageSql.Edit, conversationId);
            command.Parameters.AddWithValue("$seq", seq);
            command.Parameters.AddWithValue("$text", text);
            command.Parameters.AddWithValue("$editedAt", editedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<bool> SetReactionsAsync(string conversationId, long seq, IReadOnlyDictionary<string, IReadOnlyList<string>>? reactions, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var command = Command(connection, SqliteMessageSql.SetReactions, conversationId);
            command.Parameters.AddWithValue("$seq", seq);
            command.Parameters.AddWithValue("$reactions", (object?)MessageJson.WriteReactions(reactions) ?? DBNull.Value);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task HideAsync(string conversationId, string userId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            using var command = Command(connection, SqliteMessageSql.Hide, conversationId);
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$user", userId);
            var seq = command.Parameters.Add("$seq", SqliteType.Integer);
            foreach (var value in seqs)
            {
                seq.Value = value;
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<long>> HiddenAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<long>>(connection =>
        {
            using var command = Command(connection, SqliteMessageSql.Hidden, conversationId);
            command.Parameters.AddWithValue("$user", userId);
            using var reader = command.ExecuteReader();
            var seqs = new List<long>();
            while (reader.Read()) seqs.Add(reader.GetInt64(0));
            return seqs;
        }, cancellationToken);

    /// <summary>A log written before edits and reactions existed gets their columns (CREATE TABLE IF NOT EXISTS kept the old shape).</summary>
    private static void AddMissingColumns(SqliteConnection connection)
    {
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var list = connection.CreateCommand())
        {
            list.CommandText = SqliteMessageSql.ListColumns;
            using var reader = list.ExecuteReader();
            while (reader.Read()) present.Add(reader.GetString(0));
        }
        foreach (var (name, type) in SqliteMessageSql.AddedColumns.Where(c => !present.Contains(c.Name)))
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = string.Create(CultureInfo.InvariantCulture, $"ALTER TABLE messages ADD COLUMN {name} {type};");
            alter.ExecuteNonQuery();
        }
    }
}
