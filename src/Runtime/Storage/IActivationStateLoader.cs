namespace Im.Orleans.Storage;

/// <summary>A piece of activation state the catalog loads before OnActivateAsync.</summary>
internal interface IActivationStateLoader
{
    Task LoadAsync();
}
