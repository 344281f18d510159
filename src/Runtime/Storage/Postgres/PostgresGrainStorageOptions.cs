using Microsoft.Extensions.Options;
using Npgsql;

namespace Im.Orleans.Storage;

/// <summary>Which PostgreSQL database <see cref="PostgresGrainStorage"/> uses.</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>An Npgsql connection string, e.g. "Host=db;Database=grains;Username=app;Password=…;Timeout=5".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the provider when the options cannot work.</summary>
    public void Validate(string providerName)
    {
        var failure = GetValidationFailure(providerName);
        if (failure is not null) throw new OptionsValidationException(providerName, typeof(PostgresGrainStorageOptions), [failure]);
    }

    private string? GetValidationFailure(string providerName)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            return $"PostgreSQL grain storage '{providerName}' needs PostgresGrainStorageOptions.ConnectionString.";
        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"PostgreSQL grain storage '{providerName}' has an invalid ConnectionString: {e.Message}";
        }
    }
}
