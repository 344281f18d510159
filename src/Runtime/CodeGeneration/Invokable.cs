namespace Im.Orleans.CodeGeneration;

/// <summary>
/// One call of one grain interface method with its arguments; the source generator emits a sealed subclass per
/// method (what IInvokable is in Orleans). It is executed locally without copying, or serialized argument by
/// argument when the target lives in another process.
/// </summary>
public abstract class Invokable
{
    /// <summary>The interface that declares the method.</summary>
    public abstract Type InterfaceType { get; }

    /// <summary>The method's position among its interface's own methods, in declaration order.</summary>
    public abstract int MethodId { get; }

    public abstract string MethodName { get; }

    public abstract int ArgumentCount { get; }

    public abstract object? GetArgument(int index);

    public abstract void SetArgument(int index, object? value);

    /// <summary>The declared parameter type at <paramref name="index"/>.</summary>
    public abstract Type GetArgumentType(int index);

    /// <summary>The declared result type, or null for Task, ValueTask and void.</summary>
    public abstract Type? ResultType { get; }

    public abstract InvokeMethodOptions Options { get; }

    /// <summary>A per-method response timeout from [ResponseTimeout], or null for the runtime's default.</summary>
    public virtual TimeSpan? ResponseTimeout => null;

    /// <summary>Calls the method on <paramref name="target"/>; the returned task is a Task&lt;T&gt; when the method has a result.</summary>
    public abstract Task InvokeAsync(object target);

    /// <summary>Reads the result of a completed task returned by <see cref="InvokeAsync"/>, boxed.</summary>
    public abstract object? GetResult(Task completedTask);

    /// <summary>Creates the completion that the caller awaits; typed so local results are never boxed.</summary>
    internal abstract Messaging.ResponseCompletion CreateCompletion();

    public override string ToString() => $"{InterfaceType.Name}.{MethodName}";
}

/// <summary>An <see cref="Invokable"/> for a method returning Task, ValueTask or void.</summary>
public abstract class VoidRequest : Invokable
{
    public sealed override Type? ResultType => null;

    public sealed override object? GetResult(Task completedTask)
    {
        completedTask.GetAwaiter().GetResult();
        return null;
    }

    internal sealed override Messaging.ResponseCompletion CreateCompletion() => new Messaging.VoidResponseCompletion();
}

/// <summary>An <see cref="Invokable"/> for a method returning Task&lt;TResult&gt; or ValueTask&lt;TResult&gt;.</summary>
public abstract class Request<TResult> : Invokable
{
    public sealed override Type? ResultType => typeof(TResult);

    public sealed override Task InvokeAsync(object target) => InvokeTyped(target);

    protected abstract Task<TResult> InvokeTyped(object target);

    public sealed override object? GetResult(Task completedTask) => ((Task<TResult>)completedTask).GetAwaiter().GetResult();

    internal sealed override Messaging.ResponseCompletion CreateCompletion() => new Messaging.ResponseCompletion<TResult>();
}
