namespace Im.Orleans.CodeGeneration;

/// <summary>What generated proxies call to send a request; implemented by the runtime.</summary>
public interface IGrainReferenceRuntime
{
    Task InvokeAsync(GrainReference target, VoidRequest request);

    Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request);

    void InvokeOneWay(GrainReference target, Invokable request);
}
