using Npgsql;

namespace Im.Orleans.Grains.Storage;

/// <summary>Runs a schema script (CREATE … IF NOT EXISTS under an advisory lock) in one transaction.</summary>
public static class PostgresSchema
{
    public static async Task CreateAsync(NpgsqlDataSource dataSource, string script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(script, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
