using System.Globalization;

namespace Im.Orleans.Runtime;

/// <summary>Canonical string forms of Guid and integer keys, so every process derives the same GrainId.</summary>
internal static class GrainKeyFormat
{
    public static string Format(Guid key) => key.ToString("N");
    public static string Format(long key) => key.ToString(CultureInfo.InvariantCulture);
    public static Guid ParseGuid(string key) => Guid.ParseExact(key, "N");
    public static long ParseLong(string key) => long.Parse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
