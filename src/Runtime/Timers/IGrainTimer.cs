namespace Im.Orleans;

/// <summary>A timer registered by a grain; dispose to stop it.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the next tick happens and the period after it.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
