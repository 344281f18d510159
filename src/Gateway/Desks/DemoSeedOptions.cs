namespace Im.Orleans.Gateway.Desks;

/// <summary>
/// The local demo ("Seed" section): desk <c>sales</c> and the accounts agent1, agent2 and supervisor. On by default
/// only in the embedded default (no cluster, no PostgreSQL), the way a developer first runs the gateway.
/// </summary>
public sealed class DemoSeedOptions
{
    public const string SectionName = "Seed";

    /// <summary>The password of every seeded account unless Seed:Password says otherwise.</summary>
    public const string DefaultPassword = "demo-password";

    /// <summary>Null: on in the embedded default, off otherwise; true or false decides.</summary>
    public bool? Demo { get; set; }

    /// <summary>The seeded accounts' password (only used when they are created).</summary>
    public string? Password { get; set; }

    public string EffectivePassword => string.IsNullOrEmpty(Password) ? DefaultPassword : Password;
}
