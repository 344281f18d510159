using Im.Orleans.Grains.People;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>A query or a text as words: lower-case runs of letters and digits, as the indexes tokenize them.</summary>
internal static class SearchWords
{
    /// <summary>More words narrow a search no further in practice; the rest are ignored.</summary>
    public const int MaxWords = 16;

    public static IReadOnlyList<string> Of(string text) =>
        NameKey.Words(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Take(MaxWords).ToList();

    /// <summary>An FTS5 query asking for every word (each quoted, so no word is read as an operator).</summary>
    public static string Fts5Match(IReadOnlyList<string> words) => string.Join(' ', words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
}
