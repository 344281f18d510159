using Im.Orleans.Grains.Storage;
using Npgsql;

namespace Im.Orleans.Grains.People;

/// <summary>The user directory as a PostgreSQL table beside the message log (cluster mode).</summary>
internal sealed class PostgresUserDirectory(string connectionString, PostgresDataSources? shared = null)
    : PostgresStore(connectionString, shared, CreateSchema), IUserDirectory
{
    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS user_directory (
            user_id text PRIMARY KEY,
            display_name text NOT NULL,
            role text NOT NULL
        );
        ALTER TABLE user_directory
            ADD COLUMN IF NOT EXISTS avatar_url text NULL,
            ADD COLUMN IF NOT EXISTS listed boolean NOT NULL DEFAULT true,
            ADD COLUMN IF NOT EXISTS name_key text NULL;
        """;

    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(cancellationToken);

    public async Task RecordAsync(UserProfile profile, bool listed = true, CancellationToken cancellationToken = default)
    {
        try
        {
            await UpsertAsync(profile, listed, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested && IsLostConnection(e))
        {
            // After a database restart the first command on each pooled connection fails (57P01); the pool has
            // dropped that connection, and the upsert is idempotent, so once more on a fresh one.
            await UpsertAsync(profile, listed, cancellationToken).ConfigureAwait(false);
        }
    }

    // A socket error, or the server ending the session (class 08 connection exceptions, 57P01-57P03 shutdowns).
    private static bool IsLostConnection(NpgsqlException e) =>
        e is not PostgresException postgres || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);

    private async Task UpsertAsync(UserProfile profile, bool listed, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand("""
            INSERT INTO user_directory (user_id, display_name, role, avatar_url, listed, name_key) VALUES (@id, @name, @role, @avatar, @listed, @key)
            ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                avatar_url = excluded.avatar_url, listed = excluded.listed, name_key = excluded.name_key
            """);
        command.Parameters.AddWithValue("id", profile.UserId);
        command.Parameters.AddWithValue("name", profile.DisplayName);
        command.Parameters.AddWithValue("role", profile.Role);
        command.Parameters.Add(new NpgsqlParameter<string?>("avatar", profile.AvatarUrl));
        command.Parameters.AddWithValue("listed", listed && profile.Role != ProfileRoles.Guest);
        command.Parameters.AddWithValue("key", NameKey.Of(profile.DisplayName));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return found;
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand("SELECT user_id FROM user_directory WHERE user_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", userIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) found.Add(reader.GetString(0));
        return found;
    }

    public async Task<IReadOnlyList<ProfileView>> FindProfilesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        if (userIds.Count == 0) return [];
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand($"SELECT {UserDirectorySql.Columns} FROM user_directory WHERE user_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", userIds.Distinct(StringComparer.Ordinal).ToArray());
        return await ReadProfilesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ProfileView>> SearchAsync(string query, string excludeUserId, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(UserDirectorySql.Search('@'));
        command.Parameters.AddWithValue("exclude", excludeUserId);
        command.Parameters.AddWithValue("idPrefix", NameKey.IdPrefixPattern(query));
        command.Parameters.AddWithValue("words", NameKey.Words(query));
        command.Parameters.AddWithValue("limit", limit);
        return await ReadProfilesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ProfileView>> ReadProfilesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var profiles = new List<ProfileView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            profiles.Add(new ProfileView(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3)));
        return profiles;
    }
}
