using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Desks;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Service chats as cases: status, labels, private notes, the visitor's rating and the supervisor board. Staff methods
/// need the token role agent or operator and, unless operator, a place in the case desk's Agents or Supervisors; the board
/// is for supervisors and operators. The visitor only rates.
/// </summary>
public sealed partial class ChatHub
{
    private const int MaxCaseLabels = 50;
    private const int MaxLabelLength = 40;
    private const int MaxNoteLength = 2000;
    private const int MaxRatingCommentLength = 1000;
    private const int MaxListedCases = 200;

    public async Task<ServiceCase> GetServiceCase(JsonElement conversationId)
    {
        RequireAgent();
        return (await StaffCaseAsync(CaseId(conversationId))).Case;
    }

    public async Task<IReadOnlyList<ServiceCase>> ListServiceChats(JsonElement query)
    {
        RequireAgent();
        var q = HubArguments.Object(query, "query");
        var deskId = DeskId(HubArguments.Required(q, "deskId"));
        string? status = null;
        if (HubArguments.Optional(q, "status") is { } s && !ServiceCaseStatus.All.Contains(status = HubArguments.Text(s, "status", 16)))
            throw HubErrors.Invalid("status must be queued, open, pending, resolved or ticket");
        var label = HubArguments.Optional(q, "label") is { } l ? HubArguments.Text(l, "label", MaxLabelLength) : null;
        RequireStaff(await CaseDeskSettingsAsync(deskId), deskId);
        return await grains.GetGrain<IDeskCasesGrain>(deskId).List(status, label, MaxListedCases);
    }

    public async Task<ServiceCase> SetServiceStatus(JsonElement conversationId, JsonElement status)
    {
        RequireAgent();
        var id = CaseId(conversationId);
        var value = HubArguments.Text(status, "status", 16);
        if (value is not (ServiceCaseStatus.Open or ServiceCaseStatus.Pending or ServiceCaseStatus.Resolved))
            throw HubErrors.Invalid("status must be open, pending or resolved");
        var (found, settings) = await StaffCaseAsync(id);
        var actor = new CaseActor(Me, IsSupervisor(settings));
        if (value != ServiceCaseStatus.Resolved) return await CaseGrain(id).SetStatus(actor, value);
        // Resolving is finishing: the desk frees the agent and reports the case resolved before it answers.
        await grains.GetGrain<IDeskGrain>(found.DeskId).ResolveServiceChat(id, actor);
        return await CaseGrain(id).Get();
    }

    public async Task<ServiceCase> SetServiceLabels(JsonElement conversationId, JsonElement labels)
    {
        RequireAgent();
        var id = CaseId(conversationId);
        if (labels.ValueKind != JsonValueKind.Array || labels.GetArrayLength() > MaxCaseLabels)
            throw HubErrors.Invalid($"labels must be an array of at most {MaxCaseLabels} labels");
        var list = labels.EnumerateArray().Select(l => HubArguments.Text(l, "labels", MaxLabelLength)).ToList();
        var (_, settings) = await StaffCaseAsync(id);
        return await CaseGrain(id).SetLabels(new CaseActor(Me, IsSupervisor(settings)), list, settings.Labels ?? []);
    }

    public async Task<ServiceNote> AddServiceNote(JsonElement conversationId, JsonElement text)
    {
        RequireAgent();
        var id = CaseId(conversationId);
        var note = HubArguments.Text(text, "text", MaxNoteLength);
        if (string.IsNullOrWhiteSpace(note)) throw HubErrors.Invalid("text must not be empty");
        await StaffCaseAsync(id);
        return await CaseGrain(id).AddNote(Me, note);
    }

    public async Task<IReadOnlyList<ServiceNote>> ListServiceNotes(JsonElement conversationId)
    {
        RequireAgent();
        var id = CaseId(conversationId);
        await StaffCaseAsync(id);
        return await CaseGrain(id).ListNotes();
    }

    /// <summary>The visitor rates their resolved chat; the grain refuses anyone else (forbidden) and unresolved chats (conflict).</summary>
    public async Task<ServiceCase> RateServiceChat(JsonElement rating)
    {
        var r = HubArguments.Object(rating, "rating");
        var id = CaseId(HubArguments.Required(r, "conversationId"));
        var stars = HubArguments.Int(HubArguments.Required(r, "rating"), "rating", 1, 5);
        var comment = HubArguments.Optional(r, "comment") is { } c ? HubArguments.Text(c, "comment", MaxRatingCommentLength) : null;
        return await CaseGrain(id).Rate(Me, stars, comment);
    }

    public async Task<DeskBoard> GetDeskBoard(JsonElement deskId)
    {
        RequireAgent();
        var desk = DeskId(deskId);
        var settings = await CaseDeskSettingsAsync(desk);
        if (!IsSupervisor(settings)) throw HubErrors.Forbidden($"the board of desk {desk} is for its supervisors and operators");
        return await grains.GetGrain<IDeskGrain>(desk).GetBoard();
    }

    private IServiceCaseGrain CaseGrain(string conversationId) => grains.GetGrain<IServiceCaseGrain>(conversationId);

    private static string CaseId(JsonElement value)
    {
        var id = HubArguments.Id(value, "conversationId");
        HomeDesk(id);
        return id;
    }

    /// <summary>The case and its desk's settings, after checking the caller is staff of the desk serving it now (or an operator).</summary>
    private async Task<(ServiceCase Case, DeskSettings Settings)> StaffCaseAsync(string conversationId)
    {
        var found = await CaseGrain(conversationId).Get();
        var settings = await CaseDeskSettingsAsync(found.DeskId);
        RequireStaff(settings, found.DeskId);
        return (found, settings);
    }

    private Task<DeskSettings> CaseDeskSettingsAsync(string deskId) => grains.GetGrain<IDeskGrain>(deskId).CaseSettings();

    private bool IsSupervisor(DeskSettings settings) => IsOperator || DeskViews.IsSupervisor(settings, Me);

    private void RequireStaff(DeskSettings settings, string deskId)
    {
        if (IsOperator || DeskViews.IsStaff(settings, Me)) return;
        throw HubErrors.Forbidden($"{Me} is not staff of desk {deskId}");
    }
}
