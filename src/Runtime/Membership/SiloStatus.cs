namespace Im.Orleans.Runtime;

/// <summary>Where a node is in its life in the cluster, as the membership table records it (values as in Orleans).</summary>
public enum SiloStatus
{
    /// <summary>Not in the table (or not yet read).</summary>
    None = 0,

    /// <summary>Registered, still starting; takes no grains yet.</summary>
    Joining = 2,

    /// <summary>Serving; a silo in this state owns grains.</summary>
    Active = 3,

    /// <summary>Draining: finishes its turns and deactivates its grains; takes no new activations.</summary>
    ShuttingDown = 4,

    /// <summary>Gone, by leaving or by being declared dead. A dead row never comes back; a restart joins under a new id.</summary>
    Dead = 6,
}
