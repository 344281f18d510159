using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>Configuring a desk (validated, audited, registered) and what visitors see of it before a chat.</summary>
internal sealed partial class DeskGrain
{
    /// <summary>Said when a desk that is closed or unstaffed set no away message of its own.</summary>
    internal const string DefaultAwayMessage = "We are away right now. Leave a message and we will answer as soon as we can.";

    /// <summary>
    /// Without an actor: a change from inside the cluster (tests, tooling), not audited, since the log's entries each
    /// name who acted. Every change through the gateway goes through <see cref="ConfigureBy"/>.
    /// </summary>
    public Task<DeskView> Configure(DeskSettings settings) => ConfigureAsync(settings, actorId: null);

    public Task<DeskView> ConfigureBy(DeskSettings settings, string actorId)
    {
        if (string.IsNullOrWhiteSpace(actorId)) throw ChatException.Invalid("A desk change needs an actor.");
        return ConfigureAsync(settings, actorId);
    }

    private async Task<DeskView> ConfigureAsync(DeskSettings settings, string? actorId)
    {
        Validate(settings);
        var previous = State.Settings;
        var next = Normalize(settings);
        // Registered before the state is written: a desk listed but not configured is skipped by readers, whereas a
        // configured desk missing from the registry could never be listed.
        await GrainFactory.GetGrain<IDeskRegistryGrain>(0).Add(DeskId);
        State.Settings = next;
        await _state.WriteStateAsync();
        if (actorId is not null) await AuditAsync(actorId, AuditActions.DeskChanged, DeskId, DeskSettingsRules.Describe(previous, next));
        var removed = previous?.Agents.Except(next.Agents, StringComparer.Ordinal).ToList() ?? [];
        await Task.WhenAll(removed.Select(a => GrainFactory.GetGrain<IAgentGrain>(a).LeaveDesk(DeskId)));
        await Task.WhenAll(next.Agents.Select(a => GrainFactory.GetGrain<IAgentGrain>(a).JoinDesk(DeskId, next.AgentCapacity)));
        await DrainAsync();
        return View();
    }

    public async Task<DeskInfo> GetInfo()
    {
        var settings = State.Settings ?? throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        var now = _time.GetUtcNow();
        var open = settings.Hours?.IsOpen(now) ?? true;
        var nextOpening = open ? null : settings.Hours!.NextOpening(now);
        var available = open && await AnyAgentOnlineAsync(settings);
        var message = available ? settings.Greeting : settings.AwayMessage ?? DefaultAwayMessage;
        return new DeskInfo(DeskId, settings.Name, open, nextOpening, available, message);
    }

    private async Task<bool> AnyAgentOnlineAsync(DeskSettings settings)
    {
        var loads = await Task.WhenAll(settings.Agents.Select(async a =>
        {
            try
            {
                return await GrainFactory.GetGrain<IAgentGrain>(a).GetLoad();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An agent that cannot answer cannot take the visitor either.
                _logger.LogWarning(e, "Desk {Desk} could not read agent {Agent}", DeskId, a);
                return null;
            }
        }));
        return loads.Any(l => l?.Status == AgentStatus.Online);
    }

    private static void Validate(DeskSettings settings)
    {
        if (settings is null) throw ChatException.Invalid("A desk needs settings.");
        if (string.IsNullOrWhiteSpace(settings.Name)) throw ChatException.Invalid("A desk needs a name.");
        if (settings.Name.Length > DeskSettingsRules.MaxNameLength) throw ChatException.Invalid($"A desk's name must be at most {DeskSettingsRules.MaxNameLength} characters.");
        if (settings.Agents is null || settings.Supervisors is null || settings.Agents.Any(string.IsNullOrWhiteSpace) || settings.Supervisors.Any(string.IsNullOrWhiteSpace))
        {
            throw ChatException.Invalid("Agents and supervisors are lists of user ids.");
        }
        if (settings.Agents.Count > DeskSettingsRules.MaxStaff || settings.Supervisors.Count > DeskSettingsRules.MaxStaff)
            throw ChatException.Invalid($"A desk lists at most {DeskSettingsRules.MaxStaff} agents and {DeskSettingsRules.MaxStaff} supervisors.");
        if (settings.AgentCapacity is < 1 or > 1000) throw ChatException.Invalid("Agent capacity must be between 1 and 1000 chats.");
        if (settings.NoAnswerTimeout < TimeSpan.Zero || settings.StickyWindow < TimeSpan.Zero) throw ChatException.Invalid("Timeouts cannot be negative.");
        if (settings.ReopenWindow is { } reopen && (reopen < TimeSpan.Zero || reopen > DeskSettingsRules.MaxReopenWindow))
            throw ChatException.Invalid("The reopen window must be between 0 and 30 days.");
        DeskSettingsRules.ValidateText(settings.Greeting, "greeting");
        DeskSettingsRules.ValidateText(settings.AwayMessage, "away message");
        DeskSettingsRules.ValidateLabels(settings.Labels);
        DeskSettingsRules.ValidateQuickReplies(settings.QuickReplies);
        settings.Hours?.Validate();
    }

    /// <summary>Lists without repeats, empty texts as none, the default reopen window written out so readers need no fallback.</summary>
    private static DeskSettings Normalize(DeskSettings settings) => settings with
    {
        Agents = [.. settings.Agents.Distinct(StringComparer.Ordinal)],
        Supervisors = [.. settings.Supervisors.Distinct(StringComparer.Ordinal)],
        Greeting = string.IsNullOrWhiteSpace(settings.Greeting) ? null : settings.Greeting,
        AwayMessage = string.IsNullOrWhiteSpace(settings.AwayMessage) ? null : settings.AwayMessage,
        Labels = [.. (settings.Labels ?? []).Distinct(StringComparer.Ordinal)],
        QuickReplies = [.. settings.QuickReplies ?? []],
        ReopenWindow = settings.ReopenWindow ?? DeskSettingsRules.DefaultReopenWindow,
    };
}
