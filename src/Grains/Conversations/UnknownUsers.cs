namespace Im.Orleans.Grains.Conversations;

/// <summary>The not_found message for users who have no profile: every id, sorted, cut short so a client can show it.</summary>
internal static class UnknownUsers
{
    private const int MaxListed = 5;

    public static string Describe(IReadOnlyCollection<string> userIds)
    {
        var sorted = userIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var listed = string.Join(", ", sorted.Take(MaxListed));
        var more = sorted.Count > MaxListed ? $" and {sorted.Count - MaxListed} more" : "";
        return sorted.Count == 1 ? $"No such user: {listed}." : $"No such users: {listed}{more}.";
    }
}
