using Im.Orleans.Membership;

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

    /// <summary>
    /// How many nodes must lose an active node, after its last heartbeat, to declare it dead before
    /// <see cref="DeathTimeout"/> runs out (every other live node, when fewer are left): a silo that refuses their dials,
    /// a gateway that does not dial back. 0 turns votes off. The node must also have missed two heartbeats, so one
    /// that still writes them is never voted dead.
    /// </summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How often a node dials an active silo it lost its connection to (each failed dial is a vote that it is dead), or checks whether a lost gateway dialled back.</summary>
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What a vote needs to count, and how many votes kill.</summary>
    internal DeathVoteRules VoteRules => new(NumVotesForDeathDeclaration, VoterFreshness: SuspectAfter, MinSilence: IAmAlivePeriod * 2);

    /// <summary>Dead rows whose last heartbeat is older than this are deleted.</summary>
    public TimeSpan DeadRowRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the settings cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IAmAlivePeriod, TimeSpan.Zero, nameof(IAmAlivePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshPeriod, TimeSpan.Zero, nameof(RefreshPeriod));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DeathTimeout, IAmAlivePeriod, nameof(DeathTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(DeadRowRetention, DeathTimeout, nameof(DeadRowRetention));
        ArgumentOutOfRangeException.ThrowIfNegative(NumVotesForDeathDeclaration, nameof(NumVotesForDeathDeclaration));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProbePeriod, TimeSpan.Zero, nameof(ProbePeriod));
    }
}
