using System.Reflection;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;

namespace Im.Orleans;

/// <summary>The request a filter sees: target, method, arguments and, after Invoke, the result.</summary>
public interface IIncomingGrainCallContext
{
    /// <summary>The grain instance being called.</summary>
    object Grain { get; }

    GrainId TargetId { get; }

    Type InterfaceType { get; }

    string MethodName { get; }

    /// <summary>The interface method, resolved on first use (reflection is kept off the path of filters that don't ask).</summary>
    MethodInfo InterfaceMethod { get; }

    Invokable Request { get; }

    /// <summary>The method's result once <see cref="Invoke"/> completed; a filter may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Calls the next filter, or the grain method itself.</summary>
    Task Invoke();
}
