namespace Im.Orleans.CodeGeneration;

/// <summary>How the runtime schedules and answers a grain method, taken from the interface method's attributes.</summary>
[Flags]
public enum InvokeMethodOptions
{
    None = 0,
    OneWay = 1,
    ReadOnly = 2,
    AlwaysInterleave = 4,
}
