using System.Reflection;

namespace Im.Orleans.TestKit;

/// <summary>An observer that records every call it receives; hand <see cref="Reference"/> to the grain under test.</summary>
public sealed class ObserverCapture<T> where T : class, IGrainObserver
{
    private readonly List<ObservedCall> _calls = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly IGrainFactory _factory;
    private readonly T _recorder;

    internal ObserverCapture(IGrainFactory factory)
    {
        _factory = factory;
        _recorder = DispatchProxy.Create<T, RecordingProxy>();
        ((RecordingProxy)(object)_recorder).Owner = this;
        Reference = factory.CreateObjectReference<T>(_recorder);
    }

    /// <summary>Deletes the object reference, as a client that went away would.</summary>
    public void Delete() => _factory.DeleteObjectReference<T>(_recorder);

    /// <summary>The observer reference to pass to grains.</summary>
    public T Reference { get; }

    public IReadOnlyList<ObservedCall> Calls
    {
        get { lock (_calls) return [.. _calls]; }
    }

    /// <summary>The arguments of each call to <paramref name="method"/>, in arrival order.</summary>
    public IReadOnlyList<object?[]> CallsTo(string method) => Calls.Where(c => c.Method == method).Select(c => c.Arguments).ToList();

    /// <summary>Waits until at least <paramref name="count"/> calls arrived.</summary>
    public async Task WaitForCallsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Calls.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"Expected {count} observer calls, got {Calls.Count}.");
            await _signal.WaitAsync(left);
        }
    }

    private void Record(ObservedCall call)
    {
        lock (_calls) _calls.Add(call);
        _signal.Release();
    }

    /// <summary>The DispatchProxy behind the reference.</summary>
    public class RecordingProxy : DispatchProxy
    {
        internal ObserverCapture<T>? Owner { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            Owner!.Record(new ObservedCall(targetMethod!.Name, args ?? []));
            var returnType = targetMethod.ReturnType;
            if (returnType == typeof(Task)) return Task.CompletedTask;
            if (returnType == typeof(ValueTask)) return ValueTask.CompletedTask;
            if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var resultType = returnType.GetGenericArguments()[0];
                return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(resultType).Invoke(null, [resultType.IsValueType ? Activator.CreateInstance(resultType) : null]);
            }
            return null;
        }
    }
}

/// <summary>One call an observer received.</summary>
public sealed record ObservedCall(string Method, object?[] Arguments);
