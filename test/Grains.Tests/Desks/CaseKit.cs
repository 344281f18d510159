using Xunit;

namespace Im.Orleans.Grains.Tests;

/// <summary>Shortcuts for service-case tests.</summary>
internal static class CaseKit
{
    public static IServiceCaseGrain Case(this ChatSilo chat, string conversationId) => chat.Cluster.Client.GetGrain<IServiceCaseGrain>(conversationId);

    public static IDeskCasesGrain DeskCases(this ChatSilo chat, string deskId) => chat.Cluster.Client.GetGrain<IDeskCasesGrain>(deskId);

    /// <summary>Waits until the case (reported to one-way) satisfies <paramref name="check"/>, and returns it.</summary>
    public static async Task<ServiceCase> CaseWhereAsync(this ChatSilo chat, string conversationId, Func<ServiceCase, bool> check)
    {
        ServiceCase? found = null;
        await Eventually.Holds(async () =>
        {
            try
            {
                found = await chat.Case(conversationId).Get();
            }
            catch (ChatException e) when (e.Code == ErrorCodes.NotFound)
            {
                found = null;
            }
            Assert.True(found is not null && check(found), $"case now: {found}");
        });
        return found!;
    }

    /// <summary>A desk with agents and supervisors and labels, no no-answer timeout, sticky for a minute.</summary>
    public static async Task<IDeskGrain> CaseDeskAsync(this ChatSilo chat, string deskId, string[] agents, string[]? supervisors = null, TimeSpan? reopen = null, BusinessHours? hours = null)
    {
        var desk = chat.Desk(deskId);
        await desk.Configure(new DeskSettings(deskId, agents, supervisors ?? [], 2, TimeSpan.Zero, TimeSpan.FromMinutes(1), hours,
            Labels: ["billing", "bug"], ReopenWindow: reopen));
        return desk;
    }
}
