using System.Globalization;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Desks;

/// <summary>
/// A desk's settings on the REST wire (GET and PUT /api/desks/{deskId}): durations in whole seconds, hours as local
/// "HH:mm" on lowercase day names. In a PUT every field but deskId, agents and supervisors replaces the desk's (absent =
/// the default); absent agents or supervisors keep the desk's lists, so a supervisor can leave them out.
/// </summary>
public sealed record DeskConfig(
    string? DeskId,
    string? Name,
    string[]? Agents,
    string[]? Supervisors,
    int? AgentCapacity,
    long? NoAnswerTimeoutSeconds,
    long? StickyWindowSeconds,
    long? ReopenWindowSeconds,
    DeskHoursConfig? Hours,
    string? Greeting,
    string? AwayMessage,
    string[]? Labels,
    QuickReplyConfig[]? QuickReplies)
{
    public const int DefaultAgentCapacity = 3;

    /// <summary>Ten years: a duration beyond it is a typo, and would overflow a TimeSpan long before it meant anything.</summary>
    private const long MaxSeconds = 10L * 366 * 24 * 3600;

    public static DeskConfig From(DeskView view)
    {
        var s = view.Settings;
        return new DeskConfig(
            view.DeskId, s.Name, [.. s.Agents], [.. s.Supervisors], s.AgentCapacity,
            Seconds(s.NoAnswerTimeout), Seconds(s.StickyWindow), Seconds(s.ReopenWindow ?? TimeSpan.FromHours(24)),
            s.Hours is { } h ? DeskHoursConfig.From(h) : null,
            s.Greeting, s.AwayMessage, [.. s.Labels ?? []],
            [.. (s.QuickReplies ?? []).Select(q => new QuickReplyConfig(q.Shortcut, q.Text))]);
    }

    /// <summary>The grain's settings, or an "invalid: …" message naming the field. Limits on content are the grain's (DeskGrain.Validate).</summary>
    public (DeskSettings? Settings, string? Error) ToSettings(IReadOnlyList<string> agents, IReadOnlyList<string> supervisors)
    {
        if (string.IsNullOrWhiteSpace(Name)) return (null, "name is required");
        if (agents.Concat(supervisors).FirstOrDefault(id => !UserIdRules.IsValid(id)) is { } bad)
            return (null, $"agents and supervisors must be user ids ('{bad}' is not)");
        if (!TryDuration(NoAnswerTimeoutSeconds, 0, "noAnswerTimeoutSeconds", out var noAnswer, out var error)
            || !TryDuration(StickyWindowSeconds, 0, "stickyWindowSeconds", out var sticky, out error)
            || !TryDuration(ReopenWindowSeconds, 24 * 3600, "reopenWindowSeconds", out var reopen, out error))
        {
            return (null, error);
        }
        BusinessHours? hours = null;
        if (Hours is not null && !Hours.TryConvert(out hours, out error)) return (null, error);
        if (Labels is not null && Labels.Any(l => l is null)) return (null, "labels must be strings");
        if (QuickReplies is not null && QuickReplies.Any(q => q is null)) return (null, "quickReplies must be objects {shortcut, text}");
        var settings = new DeskSettings(
            Name, agents, supervisors, AgentCapacity ?? DefaultAgentCapacity, noAnswer, sticky, hours,
            Greeting, AwayMessage, Labels ?? [], [.. (QuickReplies ?? []).Select(q => new QuickReply(q.Shortcut!, q.Text!))], reopen);
        return (settings, null);
    }

    private static long Seconds(TimeSpan value) => (long)Math.Round(value.TotalSeconds);

    private static bool TryDuration(long? seconds, long fallback, string name, out TimeSpan value, out string? error)
    {
        var s = seconds ?? fallback;
        error = s is < 0 or > MaxSeconds ? $"{name} must be 0-{MaxSeconds} seconds" : null;
        value = error is null ? TimeSpan.FromSeconds(s) : default;
        return error is null;
    }
}

/// <summary>Business hours on the wire: an IANA zone, weekly intervals and local closed dates ("yyyy-MM-dd").</summary>
public sealed record DeskHoursConfig(string? TimeZone, OpenIntervalConfig[]? Open, string[]? ClosedDates)
{
    private const int MaxIntervals = 100;
    private const int MaxClosedDates = 1000;

    public static DeskHoursConfig From(BusinessHours hours) => new(
        hours.TimeZone,
        [.. hours.Weekly.Select(i => new OpenIntervalConfig(i.Day.ToString().ToLowerInvariant(), Time(i.Opens), Time(i.Closes)))],
        [.. hours.ClosedDates.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]);

    public bool TryConvert(out BusinessHours? hours, out string? error)
    {
        hours = null;
        if (string.IsNullOrWhiteSpace(TimeZone)) return Fail("hours.timeZone is required (an IANA id such as Europe/Berlin)", out error);
        var open = Open ?? [];
        var closed = ClosedDates ?? [];
        if (open.Length > MaxIntervals || closed.Length > MaxClosedDates)
            return Fail($"hours may hold at most {MaxIntervals} intervals and {MaxClosedDates} closed dates", out error);
        var weekly = new List<OpenInterval>();
        foreach (var i in open)
        {
            if (i is null || !TryDay(i.Day, out var day) || !TryTime(i.Opens, out var opens) || !TryTime(i.Closes, out var closes))
                return Fail("hours.open items are {day: monday..sunday, opens: HH:mm, closes: HH:mm}", out error);
            weekly.Add(new OpenInterval(day, opens, closes));
        }
        var dates = new List<DateOnly>();
        foreach (var d in closed)
        {
            if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return Fail("hours.closedDates are dates yyyy-MM-dd", out error);
            dates.Add(date);
        }
        hours = new BusinessHours(TimeZone, weekly, dates);
        error = null;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    private static bool TryDay(string? text, out DayOfWeek day)
    {
        day = default;
        return text is not null && text.All(char.IsAsciiLetter) && Enum.TryParse(text, ignoreCase: true, out day);
    }

    private static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>One weekly interval: a day name and local opening and closing times ("HH:mm"; closes at or before opens = the next day).</summary>
public sealed record OpenIntervalConfig(string? Day, string? Opens, string? Closes);

/// <summary>A canned answer: typed as "/shortcut" in the console; {name} and visitor attribute keys are filled in.</summary>
public sealed record QuickReplyConfig(string? Shortcut, string? Text);
