using Im.Orleans.CodeGeneration;

namespace Im.Orleans.Timers;

/// <summary>A timer tick travelling through the activation's queue like a request, so it obeys the same turn rules.</summary>
internal sealed class TimerTickRequest(GrainTimer timer, bool interleave) : VoidRequest
{
    public GrainTimer Timer { get; } = timer;

    public override Type InterfaceType => typeof(IGrainTimer);
    public override int MethodId => -1;
    public override string MethodName => "Tick";
    public override int ArgumentCount => 0;
    public override InvokeMethodOptions Options => interleave ? InvokeMethodOptions.AlwaysInterleave : InvokeMethodOptions.None;
    public override object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));
    public override void SetArgument(int index, object? value) => throw new ArgumentOutOfRangeException(nameof(index));
    public override Type GetArgumentType(int index) => throw new ArgumentOutOfRangeException(nameof(index));
    public override Task InvokeAsync(object target) => Timer.InvokeCallbackAsync();
}
