using System.Collections.Concurrent;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;

namespace Im.Orleans.Messaging;

/// <summary>
/// Turns proxy calls into messages: checks once per method that its arguments and result can cross a process
/// boundary, stamps the deadline and request context, tracks the response and routes the message.
/// A call to a local activation is handed over as objects, never serialized.
/// </summary>
internal sealed class GrainReferenceRuntime(GrainSerializer serializer, ResponseTracker tracker, IMessageRouter router) : IGrainReferenceRuntime
{
    private readonly ConcurrentDictionary<Type, MethodCheck> _checks = new();

    public Task InvokeAsync(GrainReference target, VoidRequest request) => Send(target, request, request.CreateCompletion()).Task;

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request) =>
        ((ResponseCompletion<TResult>)Send(target, request, request.CreateCompletion())).TypedTask;

    public void InvokeOneWay(GrainReference target, Invokable request)
    {
        Check(request, target.GrainId);
        // One-way callers learn nothing later, so an observer known to be gone is reported now (ObserverManager drops it).
        if (!router.IsReachable(target.GrainId)) throw new ClientNotAvailableException($"Observer {target.GrainId} does not exist: it was deleted or its process went away.");
        router.Route(new Message(target.GrainId, request, null, 0, RequestContext.Export()));
    }

    private ResponseCompletion Send(GrainReference target, Invokable request, ResponseCompletion completion)
    {
        try
        {
            Check(request, target.GrainId);
        }
        catch (Exception e)
        {
            completion.TryFail(e);
            return completion;
        }

        var message = new Message(target.GrainId, request, completion, tracker.Deadline(request.ResponseTimeout), RequestContext.Export());
        tracker.Track(message);
        router.Route(message);
        return completion;
    }

    private void Check(Invokable request, GrainId target)
    {
        var check = _checks.GetOrAdd(request.GetType(), static (_, state) => MethodCheck.For(state.request, state.serializer), (request, serializer));
        if (check.Problem is not null) throw new ArgumentException($"Cannot call {request} on {target}: {check.Problem}");
        if (check.ReferenceArguments is null) return;
        foreach (var index in check.ReferenceArguments)
        {
            var argument = request.GetArgument(index);
            if (argument is not null and not GrainReference)
                throw new ArgumentException($"Cannot call {request} on {target}: argument {index} is a {argument.GetType().Name}, not a grain reference. Pass a reference from GetGrain or CreateObjectReference, never a grain or observer object itself.");
        }
    }

    /// <summary>The per-method verdict: why it cannot be sent (or null), and which arguments are references.</summary>
    private sealed record MethodCheck(string? Problem, int[]? ReferenceArguments)
    {
        public static MethodCheck For(Invokable request, GrainSerializer serializer)
        {
            var references = new List<int>();
            for (var i = 0; i < request.ArgumentCount; i++)
            {
                var type = request.GetArgumentType(i);
                if (typeof(IAddressable).IsAssignableFrom(type)) references.Add(i);
                else if (serializer.GetProblem(type) is { } problem) return new MethodCheck($"argument {i} ({type.Name}) cannot be serialized. {problem}", null);
            }
            if (request.ResultType is { } result && serializer.GetProblem(result) is { } resultProblem)
                return new MethodCheck($"its result ({result.Name}) cannot be serialized. {resultProblem}", null);
            return new MethodCheck(null, references.Count == 0 ? null : [.. references]);
        }
    }
}
