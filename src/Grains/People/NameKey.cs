using System.Text;

namespace Im.Orleans.Grains.People;

/// <summary>
/// A display name as the people search compares it: lower-case words separated by one space, with a space in front,
/// so "a word starts with q" is the plain pattern "% q%" (and a query made the same way holds no LIKE wildcard).
/// </summary>
internal static class NameKey
{
    public static string Of(string displayName) => " " + Words(displayName);

    /// <summary>The query's words as the key holds them; empty when it has no letter or digit.</summary>
    public static string Words(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0) builder.Append(' ');
                builder.Append(c);
                space = false;
            }
            else
            {
                space = true;
            }
        }
        return builder.ToString();
    }

    /// <summary>A LIKE pattern for ids starting with <paramref name="query"/>, with \ escaping the wildcards.</summary>
    public static string IdPrefixPattern(string query) =>
        query.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>Whether a directory entry matches, the way the SQL stores decide it (for the in-memory directory).</summary>
    public static bool Matches(string userId, string displayName, string query) =>
        userId.StartsWith(query, StringComparison.OrdinalIgnoreCase)
        || (Words(query) is { Length: > 0 } words && Of(displayName).Contains(" " + words, StringComparison.Ordinal));
}
