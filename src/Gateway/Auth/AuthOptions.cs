namespace Im.Orleans.Gateway.Auth;

/// <summary>Token and account settings ("Auth" section).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// A base64 HS256 key of at least 32 bytes. Leave empty on a single node: a key is generated once and kept in
    /// the data directory. Every gateway of a cluster must share the same key, so set it there.
    /// </summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "im-orleans";
    public string Audience { get; set; } = "im-orleans";

    /// <summary>Lifetime of user, agent and operator tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Lifetime of guest tokens; a guest who loses the token loses the identity, so it is longer.</summary>
    public TimeSpan GuestTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Tolerated clock difference between gateways when checking exp.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keys host systems send in X-Api-Key to mint tokens for their own users at POST /api/auth/token.</summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>
    /// Registered user ids that sign in as operators (the dashboard's role): how the first operator gets a token
    /// without a host system. Taking an id out of the list takes the role away at that user's next sign-in.
    /// </summary>
    public string[] Operators { get; set; } = [];

    public int MinPasswordLength { get; set; } = 8;
    public int MaxPasswordLength { get; set; } = 128;
    public int MaxDisplayNameLength { get; set; } = 64;

    /// <summary>PBKDF2-SHA256 iterations; stored with each hash so raising it later keeps old hashes valid.</summary>
    public int Pbkdf2Iterations { get; set; } = 100_000;

    /// <summary>
    /// Password hashes computed at once (login, register); more wait their turn. 0: half the cores (at least 1), so a
    /// burst of logins leaves the other half to the hub.
    /// </summary>
    public int MaxConcurrentPasswordChecks { get; set; }

    /// <summary>How long the sign-in cookie lets a browser that signed in past its account's login budget.</summary>
    public TimeSpan SignInCookieLifetime { get; set; } = TimeSpan.FromDays(30);

    internal int ConcurrentPasswordChecks() =>
        MaxConcurrentPasswordChecks > 0 ? MaxConcurrentPasswordChecks : Math.Max(1, Environment.ProcessorCount / 2);
}
