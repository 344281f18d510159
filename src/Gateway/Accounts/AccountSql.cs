namespace Im.Orleans.Gateway.Accounts;

/// <summary>
/// Every SQL statement of the account store. The dialect-neutral subset (TEXT columns, ON CONFLICT DO NOTHING,
/// @parameters) runs unchanged on SQLite and PostgreSQL.
/// </summary>
internal static class AccountSql
{
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS chat_accounts (
            user_id       TEXT PRIMARY KEY,
            display_name  TEXT NOT NULL,
            role          TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            password_salt TEXT NOT NULL,
            iterations    INTEGER NOT NULL,
            created_at    TEXT NOT NULL
        )
        """;

    public const string Insert = """
        INSERT INTO chat_accounts (user_id, display_name, role, password_hash, password_salt, iterations, created_at)
        VALUES (@user_id, @display_name, @role, @password_hash, @password_salt, @iterations, @created_at)
        ON CONFLICT (user_id) DO NOTHING
        """;

    public const string Find = """
        SELECT user_id, display_name, role, password_hash, password_salt, iterations, created_at
        FROM chat_accounts WHERE user_id = @user_id
        """;

    public const string ChangeRole = "UPDATE chat_accounts SET role = @to_role WHERE user_id = @user_id AND role = @from_role";

    public const string Ping = "SELECT 1";
}
