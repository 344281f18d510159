using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Storage;

/// <summary>Where <see cref="SqliteGrainStorage"/> keeps its database: a file path or a full connection string.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>The database file; its directory is created if missing. Overrides the connection string's Data Source.</summary>
    public string? DataSource { get; set; }

    /// <summary>A Microsoft.Data.Sqlite connection string, for settings beyond the file path.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a write waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the provider when the options cannot work.</summary>
    public void Validate(string providerName)
    {
        var failure = GetValidationFailure(providerName);
        if (failure is not null) throw new OptionsValidationException(providerName, typeof(SqliteGrainStorageOptions), [failure]);
    }

    /// <summary>The connection string the provider opens, with the file path applied.</summary>
    internal SqliteConnectionStringBuilder BuildConnectionString()
    {
        var builder = new SqliteConnectionStringBuilder(ConnectionString ?? "");
        if (!string.IsNullOrWhiteSpace(DataSource)) builder.DataSource = DataSource;
        // Every operation opens a connection; the pool keeps that cheap.
        builder.Pooling = true;
        return builder;
    }

    private string? GetValidationFailure(string providerName)
    {
        if (string.IsNullOrWhiteSpace(DataSource) && string.IsNullOrWhiteSpace(ConnectionString))
            return $"SQLite grain storage '{providerName}' needs SqliteGrainStorageOptions.DataSource (a database file path) or ConnectionString.";
        if (BusyTimeout <= TimeSpan.Zero)
            return $"SQLite grain storage '{providerName}' needs a positive SqliteGrainStorageOptions.BusyTimeout.";
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = BuildConnectionString();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"SQLite grain storage '{providerName}' has an invalid ConnectionString: {e.Message}";
        }

        // Each operation opens its own connection, so an in-memory database would be empty every time.
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
            return $"SQLite grain storage '{providerName}' needs a database file; use MemoryGrainStorage for in-memory state.";
        if (builder.Mode == SqliteOpenMode.ReadOnly)
            return $"SQLite grain storage '{providerName}' cannot write to a database opened with Mode=ReadOnly.";
        return null;
    }
}
