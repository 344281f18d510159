using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.People;

/// <summary>The user directory as a table of the embedded default's SQLite chat database (messages.db).</summary>
internal sealed class SqliteUserDirectory : IUserDirectory
{
    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS user_directory (
            user_id TEXT NOT NULL PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            avatar_url TEXT NULL,
            listed INTEGER NOT NULL DEFAULT 1,
            name_key TEXT NULL
        ) WITHOUT ROWID;
        """;

    // Databases from before the people search lack the last three columns.
    private static readonly (string Name, string Definition)[] AddedColumns =
    [
        ("avatar_url", "avatar_url TEXT NULL"),
        ("listed", "listed INTEGER NOT NULL DEFAULT 1"),
        ("name_key", "name_key TEXT NULL"),
    ];

    private const string Upsert = """
        INSERT INTO user_directory (user_id, display_name, role, avatar_url, listed, name_key) VALUES ($id, $name, $role, $avatar, $listed, $key)
        ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
            avatar_url = excluded.avatar_url, listed = excluded.listed, name_key = excluded.name_key;
        """;

    private readonly SqliteConnectionFactory _connections;
    private readonly string _databaseFile;
    private readonly AsyncOnce _schema;

    public SqliteUserDirectory(MessageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _databaseFile = options.SqlitePath;
        _connections = new SqliteConnectionFactory(new SqliteConnectionStringBuilder { DataSource = _databaseFile, Pooling = true }.ConnectionString, options.BusyTimeout);
        _schema = new AsyncOnce(ct => Task.Run(EnsureSchema, ct));
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    public async Task RecordAsync(UserProfile profile, bool listed = true, CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await Task.Run(() => Execute(Upsert, command =>
        {
            command.Parameters.AddWithValue("$id", profile.UserId);
            command.Parameters.AddWithValue("$name", profile.DisplayName);
            command.Parameters.AddWithValue("$role", profile.Role);
            command.Parameters.AddWithValue("$avatar", (object?)profile.AvatarUrl ?? DBNull.Value);
            command.Parameters.AddWithValue("$listed", listed && profile.Role != ProfileRoles.Guest ? 1 : 0);
            command.Parameters.AddWithValue("$key", NameKey.Of(profile.DisplayName));
        }), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return found;
        var rows = await QueryByIdsAsync("user_id", userIds, reader => reader.GetString(0), cancellationToken).ConfigureAwait(false);
        found.UnionWith(rows);
        return found;
    }

    public async Task<IReadOnlyList<ProfileView>> FindProfilesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        userIds.Count == 0 ? [] : await QueryByIdsAsync(UserDirectorySql.Columns, userIds, ReadProfile, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<ProfileView>> SearchAsync(string query, string excludeUserId, int limit, CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            command.CommandText = UserDirectorySql.Search('$');
            command.Parameters.AddWithValue("$exclude", excludeUserId);
            command.Parameters.AddWithValue("$idPrefix", NameKey.IdPrefixPattern(query));
            command.Parameters.AddWithValue("$words", NameKey.Words(query));
            command.Parameters.AddWithValue("$limit", limit);
            return ReadAll(command, ReadProfile);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<T>> QueryByIdsAsync<T>(string columns, IReadOnlyCollection<string> userIds, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            // One parameter per id: callers ask for a bounded number (GetPresence takes at most a few hundred).
            var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
            var names = ids.Select((id, i) => "$u" + i).ToList();
            command.CommandText = $"SELECT {columns} FROM user_directory WHERE user_id IN ({string.Join(", ", names)})";
            foreach (var (id, name) in ids.Zip(names)) command.Parameters.AddWithValue(name, id);
            return ReadAll(command, read);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static List<T> ReadAll<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        var rows = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private static ProfileView ReadProfile(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3) != 0);

    private void EnsureSchema()
    {
        Execute(CreateSchema, _ => { });
        using var connection = _connections.Open();
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('user_directory')";
            using var reader = info.ExecuteReader();
            while (reader.Read()) existing.Add(reader.GetString(0));
        }
        foreach (var (name, definition) in AddedColumns.Where(c => !existing.Contains(c.Name)))
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE user_directory ADD COLUMN {definition}";
            alter.ExecuteNonQuery();
        }
    }

    private void Execute(string sql, Action<SqliteCommand> bind)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_databaseFile)!);
        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        command.ExecuteNonQuery();
    }
}
