using System.Text.RegularExpressions;

namespace Im.Orleans.Grains.Desks;

/// <summary>The limits of a desk's settings and of quick replies (a desk's and an agent's own), and how a change is described in the audit log.</summary>
internal static partial class DeskSettingsRules
{
    public const int MaxNameLength = 100;
    public const int MaxMessageLength = 1000;
    public const int MaxLabels = 50;
    public const int MaxLabelLength = 40;
    public const int MaxQuickReplies = 200;
    public const int MaxQuickReplyText = 2000;
    public const int MaxStaff = 1000;
    public static readonly TimeSpan MaxReopenWindow = TimeSpan.FromDays(30);
    public static readonly TimeSpan DefaultReopenWindow = TimeSpan.FromHours(24);

    public static void ValidateText(string? text, string what)
    {
        if (text is not null && text.Length > MaxMessageLength) throw ChatException.Invalid($"The {what} must be at most {MaxMessageLength} characters.");
    }

    public static void ValidateLabels(IReadOnlyList<string>? labels)
    {
        if (labels is null) return;
        if (labels.Count > MaxLabels) throw ChatException.Invalid($"A desk has at most {MaxLabels} labels.");
        foreach (var label in labels)
        {
            if (string.IsNullOrWhiteSpace(label) || label.Length > MaxLabelLength || label.Any(char.IsControl) || label.Trim() != label)
                throw ChatException.Invalid($"Labels are 1-{MaxLabelLength} characters without control characters or surrounding spaces.");
        }
    }

    public static void ValidateQuickReplies(IReadOnlyList<QuickReply>? replies)
    {
        if (replies is null) return;
        if (replies.Count > MaxQuickReplies) throw ChatException.Invalid($"At most {MaxQuickReplies} quick replies.");
        var shortcuts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reply in replies)
        {
            if (reply is null || reply.Shortcut is null || !Shortcut().IsMatch(reply.Shortcut))
                throw ChatException.Invalid("A quick reply's shortcut is 1-32 characters of a-z 0-9 _ -.");
            if (string.IsNullOrWhiteSpace(reply.Text) || reply.Text.Length > MaxQuickReplyText)
                throw ChatException.Invalid($"A quick reply's text is 1-{MaxQuickReplyText} characters.");
            if (!shortcuts.Add(reply.Shortcut)) throw ChatException.Invalid($"The shortcut '{reply.Shortcut}' is used twice.");
        }
    }

    /// <summary>The audit entry's details: "created", or the fields that changed (who joined or left the lists by name).</summary>
    public static string Describe(DeskSettings? before, DeskSettings after)
    {
        if (before is null) return "created";
        var changes = new List<string>();
        if (before.Name != after.Name) changes.Add("name");
        Staff(changes, "agents", before.Agents, after.Agents);
        Staff(changes, "supervisors", before.Supervisors, after.Supervisors);
        if (before.AgentCapacity != after.AgentCapacity) changes.Add("agentCapacity");
        if (before.NoAnswerTimeout != after.NoAnswerTimeout) changes.Add("noAnswerTimeout");
        if (before.StickyWindow != after.StickyWindow) changes.Add("stickyWindow");
        if (!SameHours(before.Hours, after.Hours)) changes.Add("hours");
        if (before.Greeting != after.Greeting) changes.Add("greeting");
        if (before.AwayMessage != after.AwayMessage) changes.Add("awayMessage");
        if (!(before.Labels ?? []).SequenceEqual(after.Labels ?? [])) changes.Add("labels");
        if (!(before.QuickReplies ?? []).SequenceEqual(after.QuickReplies ?? [])) changes.Add("quickReplies");
        if ((before.ReopenWindow ?? DefaultReopenWindow) != (after.ReopenWindow ?? DefaultReopenWindow)) changes.Add("reopenWindow");
        return changes.Count == 0 ? "unchanged" : string.Join("; ", changes);
    }

    private static void Staff(List<string> changes, string name, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var added = after.Except(before, StringComparer.Ordinal).Select(a => "+" + a);
        var removed = before.Except(after, StringComparer.Ordinal).Select(a => "-" + a);
        var moves = added.Concat(removed).ToList();
        if (moves.Count > 0) changes.Add($"{name} {string.Join(' ', moves)}");
    }

    private static bool SameHours(BusinessHours? a, BusinessHours? b) =>
        a is null || b is null ? a is null && b is null
        : a.TimeZone == b.TimeZone && a.Weekly.SequenceEqual(b.Weekly) && a.ClosedDates.SequenceEqual(b.ClosedDates);

    [GeneratedRegex("^[a-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shortcut();
}
