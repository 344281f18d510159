namespace Im.Orleans.Grains;

/// <summary>
/// Weekly opening hours on a day of the week, in the desk's local time. <see cref="Closes"/> at or before
/// <see cref="Opens"/> means the interval ends the next day (22:00–02:00; 09:00–00:00 is until midnight; equal is 24 hours).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.OpenInterval")]
public sealed record OpenInterval(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

/// <summary>
/// When a desk is open: weekly intervals in an IANA time zone (e.g. "Europe/Berlin") and local dates it stays closed.
/// Intervals are wall-clock times, so 09:00 stays 09:00 local across a DST change.
/// </summary>
/// <remarks>
/// Wall-clock times that do not exist (inside a spring-forward gap) are shifted forward by the gap, as a clock that
/// was not yet changed would show them (02:30 becomes 03:30 in Berlin); times that occur twice (fall back) mean the
/// first occurrence. A closed date skips the intervals that start on it; an overnight interval begun the day before
/// still runs into it.
/// </remarks>
[GenerateSerializer, Immutable, Alias("im.BusinessHours")]
public sealed record BusinessHours(string TimeZone, IReadOnlyList<OpenInterval> Weekly, IReadOnlyList<DateOnly> ClosedDates)
{
    /// <summary>How far ahead <see cref="NextOpening"/> looks: a year and a week covers any holiday list.</summary>
    private const int SearchDays = 373;

    /// <summary>Throws invalid when the zone is unknown or the lists are missing.</summary>
    public void Validate()
    {
        if (Weekly is null || ClosedDates is null || Weekly.Any(i => i is null)) throw ChatException.Invalid("Business hours need weekly intervals and closed dates (lists, possibly empty).");
        if (Weekly.Any(i => !Enum.IsDefined(i.Day))) throw ChatException.Invalid("A business-hours interval names an unknown day.");
        _ = Zone();
    }

    /// <summary>Whether <paramref name="instant"/> falls in an open interval.</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var zone = Zone();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        // Yesterday's overnight intervals may still be running.
        foreach (var date in new[] { today.AddDays(-1), today })
        {
            foreach (var (start, end) in Intervals(date, zone))
            {
                if (start <= instant && instant < end) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// <paramref name="instant"/> itself when open, else the start of the next open interval; null when the desk does
    /// not open within a year (no intervals, or every day closed).
    /// </summary>
    public DateTimeOffset? NextOpening(DateTimeOffset instant)
    {
        if (IsOpen(instant)) return instant;
        var zone = Zone();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        for (var day = 0; day <= SearchDays; day++)
        {
            var starts = Intervals(today.AddDays(day), zone).Select(i => i.Start).Where(s => s > instant).ToList();
            if (starts.Count > 0) return starts.Min();
        }
        return null;
    }

    private TimeZoneInfo Zone()
    {
        if (string.IsNullOrWhiteSpace(TimeZone)) throw ChatException.Invalid("Business hours need a time zone.");
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw ChatException.Invalid($"Unknown time zone '{TimeZone}'; use an IANA id such as Europe/Berlin.");
        }
    }

    /// <summary>The intervals that start on local <paramref name="date"/>, as instants.</summary>
    private IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Intervals(DateOnly date, TimeZoneInfo zone)
    {
        if (ClosedDates.Contains(date)) yield break;
        foreach (var interval in Weekly.Where(i => i.Day == date.DayOfWeek))
        {
            var endDate = interval.Closes > interval.Opens ? date : date.AddDays(1);
            yield return (ToInstant(date.ToDateTime(interval.Opens), zone), ToInstant(endDate.ToDateTime(interval.Closes), zone));
        }
    }

    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsAmbiguousTime(local))
        {
            // The first occurrence is the one with the larger offset (before the clocks went back).
            var first = zone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local, first).ToUniversalTime();
        }
        if (zone.IsInvalidTime(local))
        {
            // In the gap: read the wall time with the offset in force just before it, which lands after the gap.
            var before = zone.GetUtcOffset(new DateTimeOffset(local.AddHours(-3), zone.BaseUtcOffset));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
