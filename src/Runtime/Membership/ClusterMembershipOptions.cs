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
    /// The last two fifths are a confirmation: a node silent for the first three fifths is only suspected, and a
    /// heartbeat clears that, so a pause of the database or of every node does not kill nodes that are alive.
    /// </summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Silence after which a node is suspected (the first three fifths of <see cref="DeathTimeout"/>).</summary>
    internal TimeSpan SuspectAfter => DeathTimeout - ConfirmAfter;

    /// <summary>How long a suspicion must stand, with no heartbeat, before the node is declared dead.</summary>
    internal TimeSpan ConfirmAfter => DeathTimeout * 2 / 5;

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
