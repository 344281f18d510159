namespace Im.Orleans.Catalog;

/// <summary>Where an activation is in its life.</summary>
internal enum ActivationStatus
{
    Activating,
    Valid,
    Deactivating,
    Invalid,
}
