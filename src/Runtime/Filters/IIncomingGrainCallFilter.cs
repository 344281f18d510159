namespace Im.Orleans;

/// <summary>Runs around every request a grain receives (statistics, logging, authorization). Call context.Invoke() to proceed.</summary>
public interface IIncomingGrainCallFilter
{
    Task Invoke(IIncomingGrainCallContext context);
}
