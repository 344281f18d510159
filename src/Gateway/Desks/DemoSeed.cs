using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Desks;

/// <summary>
/// Creates the demo desk and its staff when they are absent, at start, so the widget demo and the console work on a
/// fresh embedded gateway. Never overwrites: an existing desk or account (and its password) stays as it is; an
/// existing account with role user is raised to agent like any listed staff.
/// </summary>
internal sealed class DemoSeed(
    IGrainFactory grains, IAccountStore accounts, PasswordHasher hasher, IOptions<DemoSeedOptions> options, TimeProvider time, ILogger<DemoSeed> logger)
    : IHostedService
{
    public const string DeskId = "sales";
    public const string Supervisor = "supervisor";

    public static readonly (string UserId, string DisplayName)[] Staff = [("agent1", "Agent One"), ("agent2", "Agent Two"), (Supervisor, "Supervisor")];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (userId, name) in Staff) await EnsureAccountAsync(userId, name, cancellationToken);
            if (await DeskViews.FindAsync(grains, DeskId) is null)
                await grains.GetGrain<IDeskGrain>(DeskId).ConfigureBy(Desk(), AuditActors.System);
            logger.LogWarning(
                "Demo seed is on (Seed:Demo): desk '{Desk}' with accounts {Accounts}; turn it off with Seed:Demo=false anywhere but a local demo",
                DeskId, string.Join(", ", Staff.Select(s => s.UserId)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The gateway serves without the demo; the next start tries again.
            logger.LogError(e, "The demo seed failed");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAccountAsync(string userId, string name, CancellationToken cancellationToken)
    {
        var existing = await accounts.FindAsync(userId, cancellationToken);
        if (existing is not null)
        {
            await accounts.ChangeRoleAsync(userId, ChatRoles.User, ChatRoles.Agent, cancellationToken);
            return;
        }
        var hash = await hasher.HashAsync(options.Value.EffectivePassword, cancellationToken);
        if (await accounts.TryCreateAsync(new Account(userId, name, ChatRoles.Agent, hash, time.GetUtcNow()), cancellationToken))
            await grains.GetGrain<IUserGrain>(userId).SetProfile(name, null, ChatRoles.Agent);
    }

    private static DeskSettings Desk() => new(
        Name: "Sales",
        Agents: ["agent1", "agent2", Supervisor],
        Supervisors: [Supervisor],
        AgentCapacity: 3,
        NoAnswerTimeout: TimeSpan.FromMinutes(2),
        StickyWindow: TimeSpan.FromHours(1),
        Hours: null,
        Greeting: "Hi! How can we help?",
        AwayMessage: "We are away right now. Leave a message and we will get back to you.",
        Labels: ["billing", "order", "bug", "feedback"],
        QuickReplies:
        [
            new QuickReply("hello", "Hello {name}, thanks for writing! How can I help?"),
            new QuickReply("order", "Let me look up order {orderId} for you, one moment."),
        ],
        ReopenWindow: TimeSpan.FromHours(24));

    /// <summary>Registers the seed when Seed:Demo is true, or unset in the embedded default (SQLite, no cluster).</summary>
    public static void AddTo(IServiceCollection services, IConfiguration configuration, StorageSettings storage)
    {
        services.AddOptions<DemoSeedOptions>().Bind(configuration.GetSection(DemoSeedOptions.SectionName));
        var demo = configuration.GetSection(DemoSeedOptions.SectionName).Get<DemoSeedOptions>()?.Demo;
        if (demo ?? (!storage.IsClusterClient && !storage.UsePostgres)) services.AddHostedService<DemoSeed>();
    }
}
