using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>Where a hit sits in the newest-first order of a search; encoded, it is the opaque page cursor.</summary>
internal sealed record SearchKey(long SentAtMs, string ConversationId, long Seq)
{
    private const string Version = "1";

    /// <summary>Before every key: the first page.</summary>
    public static SearchKey Start { get; } = new(long.MaxValue, "", 0);

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}:{SentAtMs}:{Seq}:{ConversationId}")));

    /// <summary>The key a cursor names, or null when it is no cursor this server made.</summary>
    public static SearchKey? Decode(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':', 4);
            return parts.Length == 4 && parts[0] == Version
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                && parts[3].Length > 0
                ? new SearchKey(sentAt, parts[3], seq)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
