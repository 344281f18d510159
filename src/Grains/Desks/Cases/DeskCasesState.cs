namespace Im.Orleans.Grains.Desks.Cases;

/// <summary>A desk's case index (bounded) and its figures per local day (about 30 days kept).</summary>
internal sealed class DeskCasesState
{
    /// <summary>Conversation id → the case's last reported status, labels and change time.</summary>
    public Dictionary<string, CaseIndexEntry> Cases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Local date (yyyy-MM-dd) → that day's sums for the desk and per agent.</summary>
    public Dictionary<string, DaySums> Days { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class CaseIndexEntry
{
    public string Status { get; set; } = "";
    public List<string> Labels { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Sums in milliseconds (a per-chat rounding to seconds would skew the mean), not averages, so each chat and rating adds in O(1) and a replaced rating is taken out exactly.</summary>
internal sealed class DaySums
{
    public FigureSums Desk { get; set; } = new();
    public Dictionary<string, FigureSums> Agents { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class FigureSums
{
    public int Chats { get; set; }
    public long FirstResponseMs { get; set; }
    public int FirstResponses { get; set; }
    public long HandleMs { get; set; }
    public int Handles { get; set; }
    public long RatingSum { get; set; }
    public int Ratings { get; set; }
}
