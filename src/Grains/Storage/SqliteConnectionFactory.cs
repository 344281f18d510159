using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Im.Orleans.Grains.Storage;

/// <summary>
/// Opens pooled connections to one SQLite file with a busy timeout, so a writer waits for another instead of failing
/// with SQLITE_BUSY. Shared by the grain storage and the chat's message log. A database file it is the first to open
/// is created private to the owner (<see cref="PrivateFiles"/>), and SQLite's own files follow its mode.
/// </summary>
public sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly string _setBusyTimeout;
    private readonly string? _file;
    private volatile bool _fileReady;

    public SqliteConnectionFactory(string connectionString, TimeSpan busyTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        // Per connection: SQLite's own busy handler retries in short steps (Microsoft.Data.Sqlite's fallback sleeps 150 ms).
        var milliseconds = (int)Math.Clamp(busyTimeout.TotalMilliseconds, 1, int.MaxValue);
        _setBusyTimeout = string.Format(CultureInfo.InvariantCulture, "PRAGMA busy_timeout = {0};", milliseconds);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        // Only a plain path names a file to create; memory databases and URI file names are left to SQLite.
        var plainFile = builder.Mode != SqliteOpenMode.Memory && builder.DataSource.Length > 0 && builder.DataSource != ":memory:"
            && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        _file = plainFile ? Path.GetFullPath(builder.DataSource) : null;
    }

    /// <summary>An open connection with the busy timeout set; the caller disposes it (back to the pool).</summary>
    public SqliteConnection Open()
    {
        if (!_fileReady && _file is not null)
        {
            PrivateFiles.EnsureFile(_file);
            _fileReady = true;
        }
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _setBusyTimeout;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes the pooled connections so the database file can be moved or deleted.</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
