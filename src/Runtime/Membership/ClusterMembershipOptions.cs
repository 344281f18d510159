namespace Im.Orleans.Configuration;

/// <summary>Membership timing, bound from configuration section "Orleans:Membership".</summary>
public sealed class ClusterMembershipOptions
{
    public const string SectionName = "Orleans:Membership";

    /// <summary>How often a node writes its heartbeat.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a node declares silent nodes dead and re-reads the table.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A node whose last heartbeat is older than this, by the database clock (node clocks may disagree), is declared
    /// dead by whichever node notices first. Keep it several heartbeat periods long so a slow write is not a death.
    /// </summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Dead rows whose last heartbeat is older than this are deleted.</summary>
    public TimeSpan DeadRowRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the settings cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IAmAlivePeriod, TimeSpan.Zero, nameof(IAmAlivePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshPeriod, TimeSpan.Zero, nameof(RefreshPeriod));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DeathTimeout, IAmAlivePeriod, nameof(DeathTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(DeadRowRetention, DeathTimeout, nameof(DeadRowRetention));
    }
}
