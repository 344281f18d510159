using System.Data.Common;
using System.Globalization;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Grains.Storage;

namespace Im.Orleans.Gateway.Accounts;

/// <summary>
/// Accounts in a table of their own over plain ADO.NET (SQLite file or PostgreSQL). Not grain state: password
/// hashes must never show up in the grain dashboard, and the table's primary key gives an atomic "id taken".
/// </summary>
public sealed class SqlAccountStore(Func<DbConnection> connectionFactory) : IAccountStore
{
    // Created once; a failure (database not up yet) is retried by the next call instead of being cached forever.
    private readonly AsyncOnce _schema = new(_ => CreateSchemaAsync(connectionFactory));

    public async Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AccountSql.Insert;
        Add(command, "user_id", account.UserId);
        Add(command, "display_name", account.DisplayName);
        Add(command, "role", account.Role);
        Add(command, "password_hash", account.Password.Hash);
        Add(command, "password_salt", account.Password.Salt);
        Add(command, "iterations", account.Password.Iterations);
        Add(command, "created_at", account.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<Account?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AccountSql.Find;
        Add(command, "user_id", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Account(
            reader.GetString(0), reader.GetString(1), reader.GetString(2),
            new PasswordHash(reader.GetString(3), reader.GetString(4), Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture)),
            DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture));
    }

    public async Task<bool> ChangeRoleAsync(string userId, string fromRole, string toRole, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AccountSql.ChangeRole;
        Add(command, "user_id", userId);
        Add(command, "from_role", fromRole);
        Add(command, "to_role", toRole);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AccountSql.Ping;
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        var connection = connectionFactory();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task CreateSchemaAsync(Func<DbConnection> connectionFactory)
    {
        await using var connection = connectionFactory();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = AccountSql.CreateSchema;
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
