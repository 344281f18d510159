namespace Im.Orleans.Grains.People;

/// <summary>The people-search SQL of the SQLite and PostgreSQL directories (the same statements serve both).</summary>
internal static class UserDirectorySql
{
    // Rows from before the search have no name_key: their lower-cased name stands in (ASCII-only in SQLite) until
    // the user next signs in or changes the profile. Guests are filtered by role as well, whatever listed says.
    public const string SearchWhere = """
        listed AND role <> 'guest' AND user_id <> {0}exclude
        AND (lower(user_id) LIKE {0}idPrefix ESCAPE '\' OR ({0}words <> '' AND COALESCE(name_key, ' ' || lower(display_name)) LIKE '% ' || {0}words || '%'))
        """;

    public const string Columns = "user_id, display_name, avatar_url, listed";

    public static string Search(char parameterPrefix) => $"""
        SELECT {Columns} FROM user_directory
        WHERE {string.Format(System.Globalization.CultureInfo.InvariantCulture, SearchWhere, parameterPrefix)}
        ORDER BY lower(display_name), user_id
        LIMIT {parameterPrefix}limit
        """;
}
