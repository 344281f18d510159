using Im.Orleans.CodeGeneration;

namespace Im.Orleans.Catalog;

/// <summary>An empty request that makes sure a grain is activated (used by tools such as the test kit and the dashboard).</summary>
internal sealed class ActivationPing : VoidRequest
{
    public override Type InterfaceType => typeof(IGrain);
    public override int MethodId => -1;
    public override string MethodName => "Ping";
    public override int ArgumentCount => 0;
    public override InvokeMethodOptions Options => InvokeMethodOptions.AlwaysInterleave;
    public override object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));
    public override void SetArgument(int index, object? value) => throw new ArgumentOutOfRangeException(nameof(index));
    public override Type GetArgumentType(int index) => throw new ArgumentOutOfRangeException(nameof(index));
    public override Task InvokeAsync(object target) => Task.CompletedTask;
}
