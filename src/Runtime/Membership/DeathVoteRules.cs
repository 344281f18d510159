namespace Im.Orleans.Membership;

/// <summary>
/// When votes declare a node dead: <paramref name="VotesNeeded"/> live nodes (or every other live node, when fewer)
/// failed to reach it after its last heartbeat, and it has been silent for <paramref name="MinSilence"/>. A voter is
/// live when it is Active or ShuttingDown with a heartbeat within <paramref name="VoterFreshness"/>.
/// </summary>
internal readonly record struct DeathVoteRules(int VotesNeeded, TimeSpan VoterFreshness, TimeSpan MinSilence)
{
    /// <summary>Whether <paramref name="votes"/> from a pool of <paramref name="liveVoters"/> suffice.</summary>
    public bool Suffice(int votes, int liveVoters) => VotesNeeded > 0 && votes >= Math.Max(1, Math.Min(VotesNeeded, liveVoters));
}
