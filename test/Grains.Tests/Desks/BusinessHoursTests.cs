using Xunit;

namespace Im.Orleans.Grains.Tests.Desks;

/// <summary>Business hours follow local wall-clock time across DST changes, overnight intervals and closed dates.</summary>
public sealed class BusinessHoursTests
{
    private static readonly OpenInterval[] Weekdays =
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => new OpenInterval(d, new TimeOnly(9, 0), new TimeOnly(17, 0)))];

    private static BusinessHours Berlin(IReadOnlyList<OpenInterval> weekly, params DateOnly[] closed) => new("Europe/Berlin", weekly, closed);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Nine_to_five_moves_in_utc_when_the_clocks_spring_forward()
    {
        var hours = Berlin(Weekdays);
        // Friday 27 March is still CET (UTC+1): open until 16:00 UTC.
        Assert.True(hours.IsOpen(Utc(3, 27, 15, 59)));
        Assert.False(hours.IsOpen(Utc(3, 27, 16)));
        // Monday 30 March is CEST (UTC+2): 09:00 local is 07:00 UTC.
        Assert.False(hours.IsOpen(Utc(3, 30, 6, 59)));
        Assert.True(hours.IsOpen(Utc(3, 30, 7)));
        Assert.Equal(Utc(3, 30, 7), hours.NextOpening(Utc(3, 27, 16)));
        Assert.Equal(Utc(3, 30, 7, 30), hours.NextOpening(Utc(3, 30, 7, 30)));
    }

    [Fact]
    public void Nine_to_five_moves_back_when_the_clocks_fall_back()
    {
        var hours = Berlin(Weekdays);
        Assert.True(hours.IsOpen(Utc(10, 23, 14, 59)));
        Assert.False(hours.IsOpen(Utc(10, 23, 15)));
        Assert.Equal(Utc(10, 26, 8), hours.NextOpening(Utc(10, 23, 15)));
        Assert.False(hours.IsOpen(Utc(10, 26, 7, 59)));
    }

    [Fact]
    public void An_opening_inside_the_spring_forward_gap_starts_after_the_gap()
    {
        // 02:30 does not exist on 29 March in Berlin; read with the old offset it is 01:30 UTC (03:30 CEST).
        var hours = Berlin([new OpenInterval(DayOfWeek.Sunday, new TimeOnly(2, 30), new TimeOnly(4, 0))]);
        Assert.Equal(Utc(3, 29, 1, 30), hours.NextOpening(Utc(3, 28, 23)));
        Assert.False(hours.IsOpen(Utc(3, 29, 1, 29)));
        Assert.True(hours.IsOpen(Utc(3, 29, 1, 45)));
        Assert.False(hours.IsOpen(Utc(3, 29, 2)));
        // A week later the same interval is 00:30-02:00 UTC, an hour and a half long again.
        Assert.Equal(Utc(4, 5, 0, 30), hours.NextOpening(Utc(3, 29, 2)));
    }

    [Fact]
    public void An_overnight_interval_ending_in_the_repeated_hour_ends_at_its_first_occurrence()
    {
        // Saturday 24 October 22:00 CEST until Sunday 02:00, which happens twice; the first is 00:00 UTC.
        var hours = Berlin([new OpenInterval(DayOfWeek.Saturday, new TimeOnly(22, 0), new TimeOnly(2, 0))]);
        Assert.False(hours.IsOpen(Utc(10, 24, 19, 59)));
        Assert.True(hours.IsOpen(Utc(10, 24, 20)));
        Assert.True(hours.IsOpen(Utc(10, 24, 23, 59)));
        Assert.False(hours.IsOpen(Utc(10, 25, 0)));
        // The next Saturday is CET: 22:00-02:00 local is 21:00-01:00 UTC.
        Assert.Equal(Utc(10, 31, 21), hours.NextOpening(Utc(10, 25, 0)));
        Assert.True(hours.IsOpen(Utc(11, 1, 0, 59)));
        Assert.False(hours.IsOpen(Utc(11, 1, 1)));
    }

    [Fact]
    public void Closed_dates_skip_the_intervals_that_start_on_them()
    {
        var hours = Berlin(Weekdays, new DateOnly(2026, 12, 24), new DateOnly(2026, 12, 25));
        Assert.False(hours.IsOpen(Utc(12, 24, 10)));
        Assert.Equal(Utc(12, 28, 8), hours.NextOpening(Utc(12, 23, 16)));

        var overnight = Berlin([new OpenInterval(DayOfWeek.Thursday, new TimeOnly(20, 0), new TimeOnly(8, 0))], new DateOnly(2026, 12, 25));
        // Begun on Thursday the 24th, it runs into the closed Friday.
        Assert.True(overnight.IsOpen(Utc(12, 25, 6)));
    }

    [Fact]
    public void Next_opening_agrees_with_is_open_minute_by_minute_across_a_dst_week()
    {
        var hours = Berlin([.. Weekdays, new OpenInterval(DayOfWeek.Saturday, new TimeOnly(23, 0), new TimeOnly(3, 0))]);
        for (var t = Utc(3, 26, 0); t < Utc(4, 2, 0); t = t.AddMinutes(10))
        {
            var next = hours.NextOpening(t);
            Assert.NotNull(next);
            Assert.Equal(hours.IsOpen(t), next == t);
            Assert.True(hours.IsOpen(next.Value), $"next opening {next} after {t} is not open");
            if (next != t) Assert.False(hours.IsOpen(next.Value.AddTicks(-1)), $"open just before the next opening {next}");
        }
    }

    [Fact]
    public void Bad_hours_are_refused_and_hours_that_never_open_say_so()
    {
        Assert.Equal(ErrorCodes.Invalid, Assert.Throws<ChatException>(() => new BusinessHours("Mars/Olympus", [], []).Validate()).Code);
        Assert.Equal(ErrorCodes.Invalid, Assert.Throws<ChatException>(() => new BusinessHours("", [], []).Validate()).Code);
        new BusinessHours("America/New_York", Weekdays, []).Validate();
        Assert.Null(Berlin([]).NextOpening(Utc(1, 1, 0)));
    }
}
