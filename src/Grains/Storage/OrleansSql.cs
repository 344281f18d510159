namespace Im.Orleans.Grains.Storage;

/// <summary>Reads the SQL files embedded next to <see cref="OrleansSchema"/>.</summary>
internal static class OrleansSql
{
    private const string ResourcePrefix = "Im.Orleans.Grains.Storage.Sql.";

    // A query file is a run of sections, each opened by this marker and the OrleansQuery key it fills; everything up to
    // the next marker (its comments included, which then explain the row to whoever reads OrleansQuery) is the text.
    private const string QueryMarker = "-- query: ";

    public static string Script(string fileName)
    {
        using var stream = typeof(OrleansSql).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"The SQL resource '{ResourcePrefix}{fileName}' is not embedded in {typeof(OrleansSql).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Queries(string fileName)
    {
        var queries = new List<KeyValuePair<string, string>>();
        string? key = null;
        var text = new List<string>();
        foreach (var line in Script(fileName).ReplaceLineEndings("\n").Split('\n'))
        {
            if (!line.StartsWith(QueryMarker, StringComparison.Ordinal))
            {
                // Lines before the first marker describe the whole file, not a query.
                if (key is not null) text.Add(line);
                continue;
            }

            Add();
            key = line[QueryMarker.Length..].Trim();
            text.Clear();
        }

        Add();
        return queries.Count > 0 ? queries : throw new InvalidOperationException($"The SQL resource '{fileName}' has no '{QueryMarker}' sections.");

        void Add()
        {
            if (key is null) return;
            if (queries.Exists(q => q.Key == key)) throw new InvalidOperationException($"The SQL resource '{fileName}' defines the query '{key}' twice.");
            queries.Add(new(key, string.Join('\n', text).Trim()));
        }
    }
}
