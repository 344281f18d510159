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
            role TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string Upsert = """
        INSERT INTO user_directory (user_id, display_name, role) VALUES ($id, $name, $role)
        ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role;
        """;

    private readonly SqliteConnectionFactory _connections;
    private readonly string _databaseFile;
    private readonly AsyncOnce _schema;

    public SqliteUserDirectory(MessageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _databaseFile = options.SqlitePath;
        _connections = new SqliteConnectionFactory(new SqliteConnectionStringBuilder { DataSource = _databaseFile, Pooling = true }.ConnectionString, options.BusyTimeout);
        _schema = new AsyncOnce(ct => Task.Run(() => Execute(CreateSchema, _ => { }), ct));
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    public async Task RecordAsync(UserProfile profile, CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await Task.Run(() => Execute(Upsert, command =>
        {
            command.Parameters.AddWithValue("$id", profile.UserId);
            command.Parameters.AddWithValue("$name", profile.DisplayName);
            command.Parameters.AddWithValue("$role", profile.Role);
        }), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return found;
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() =>
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            // One parameter per id: callers ask for a bounded number (GetPresence takes at most a few hundred).
            var names = userIds.Select((id, i) => "$u" + i).ToList();
            command.CommandText = $"SELECT user_id FROM user_directory WHERE user_id IN ({string.Join(", ", names)})";
            foreach (var (id, name) in userIds.Zip(names)) command.Parameters.AddWithValue(name, id);
            using var reader = command.ExecuteReader();
            while (reader.Read()) found.Add(reader.GetString(0));
            return (IReadOnlySet<string>)found;
        }, cancellationToken).ConfigureAwait(false);
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
