using Im.Orleans.CodeGeneration;

namespace Im.Orleans.CodeGenerator.Tests.Infrastructure;

/// <summary>A grain reference runtime that records each request and executes it at once on a local grain object.</summary>
internal sealed class LoopbackGrainRuntime(object grain) : IGrainReferenceRuntime
{
    public List<Invokable> Requests { get; } = [];

    public List<Invokable> OneWayRequests { get; } = [];

    public Task InvokeAsync(GrainReference reference, VoidRequest request)
    {
        Requests.Add(request);
        return request.InvokeAsync(grain);
    }

    public Task<TResult> InvokeAsync<TResult>(GrainReference reference, Request<TResult> request)
    {
        Requests.Add(request);
        return (Task<TResult>)request.InvokeAsync(grain);
    }

    public void InvokeOneWay(GrainReference reference, Invokable request)
    {
        OneWayRequests.Add(request);
        _ = request.InvokeAsync(grain);
    }
}
