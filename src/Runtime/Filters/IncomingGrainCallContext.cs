using System.Reflection;
using Im.Orleans.Catalog;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;

namespace Im.Orleans.Filters;

/// <summary>Walks the filter chain for one request, then invokes the grain method.</summary>
internal sealed class IncomingGrainCallContext : IIncomingGrainCallContext
{
    private readonly ActivationData _activation;
    private readonly IIncomingGrainCallFilter[] _filters;
    private int _next;
    private object? _result;

    public IncomingGrainCallContext(ActivationData activation, Invokable request, IIncomingGrainCallFilter[] filters)
    {
        _activation = activation;
        Request = request;
        _filters = filters;
    }

    public object Grain => _activation.Instance!;
    public GrainId TargetId => _activation.GrainId;
    public Type InterfaceType => Request.InterfaceType;
    public string MethodName => Request.MethodName;
    public MethodInfo InterfaceMethod => InterfaceMethods.Find(Request);
    public Invokable Request { get; }

    public object? Result
    {
        get => _result;
        set => _result = value;
    }

    public Task Invoke()
    {
        if (_next < _filters.Length) return _filters[_next++].Invoke(this);
        if (_next == _filters.Length && Grain is IIncomingGrainCallFilter own)
        {
            _next++;
            return own.Invoke(this);
        }
        return InvokeGrainAsync();
    }

    /// <summary>Runs the chain; on success the caller is answered with <see cref="Result"/>.</summary>
    public Task RunAsync() => Invoke();

    private async Task InvokeGrainAsync()
    {
        var task = Request.InvokeAsync(Grain);
        await task;
        _result = Request.GetResult(task);
    }
}
