namespace Im.Orleans.Cluster.Tests.Grains;

/// <summary>An observer in the client process that grains on the silos call.</summary>
public interface INoteObserver : IGrainObserver
{
    void Note(string grain, int sequence);
}
