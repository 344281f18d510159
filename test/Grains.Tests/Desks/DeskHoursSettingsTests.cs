using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>A desk keeps its business hours in its settings, through storage, and refuses hours it cannot read.</summary>
public sealed class DeskHoursSettingsTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Business_hours_are_stored_with_the_settings_and_bad_ones_refused()
    {
        var chat = shared.Chat;
        var desk = chat.Desk(Id("hours"));
        var hours = new BusinessHours("Europe/Berlin", [new OpenInterval(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 30))], [new DateOnly(2026, 12, 25)]);
        var settings = new DeskSettings("Hours", [], [], 2, TimeSpan.FromMinutes(2), TimeSpan.Zero, hours);
        await desk.Configure(settings);

        await chat.DeactivateAsync(desk);
        var stored = (await desk.GetView()).Settings.Hours;
        Assert.NotNull(stored);
        Assert.Equal(hours.TimeZone, stored.TimeZone);
        Assert.Equal(hours.Weekly, stored.Weekly);
        Assert.Equal(hours.ClosedDates, stored.ClosedDates);

        var refused = await Assert.ThrowsAsync<ChatException>(() => desk.Configure(settings with { Hours = hours with { TimeZone = "Nowhere/Atlantis" } }));
        Assert.Equal(ErrorCodes.Invalid, refused.Code);
        Assert.Equal("Europe/Berlin", (await desk.GetView()).Settings.Hours!.TimeZone);
    }
}
