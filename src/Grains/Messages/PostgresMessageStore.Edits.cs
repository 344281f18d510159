using Npgsql;
using NpgsqlTypes;

namespace Im.Orleans.Grains.Messages;

/// <summary>Edits, reactions and per-user hiding in the PostgreSQL log.</summary>
internal sealed partial class PostgresMessageStore
{
    public async Task<bool> EditAsync(string conversationId, long seq, string text, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(PostgresMessageSql.Edit, conversationId, c =>
        {
            c.Parameters.AddWithValue("seq", seq);
            c.Parameters.AddWithValue("text", text);
            c.Parameters.AddWithValue("editedAt", editedAt.UtcDateTime);
        }, cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> SetReactionsAsync(string conversationId, long seq, IReadOnlyDictionary<string, IReadOnlyList<string>>? reactions, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(PostgresMessageSql.SetReactions, conversationId, c =>
        {
            c.Parameters.AddWithValue("seq", seq);
            c.Parameters.Add(new NpgsqlParameter("reactions", NpgsqlDbType.Text) { Value = (object?)MessageJson.WriteReactions(reactions) ?? DBNull.Value });
        }, cancellationToken).ConfigureAwait(false) == 1;

    public Task HideAsync(string conversationId, string userId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default) =>
        ExecuteAsync(PostgresMessageSql.Hide, conversationId, c =>
        {
            c.Parameters.AddWithValue("user", userId);
            c.Parameters.Add(Array("seqs", NpgsqlDbType.Bigint, seqs.ToArray()));
        }, cancellationToken);

    public async Task<IReadOnlyList<long>> HiddenAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(PostgresMessageSql.Hidden);
        command.Parameters.AddWithValue("conversation", conversationId);
        command.Parameters.AddWithValue("user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var seqs = new List<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) seqs.Add(reader.GetInt64(0));
        return seqs;
    }

    private async Task<int> ExecuteAsync(string sql, string conversationId, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("conversation", conversationId);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
