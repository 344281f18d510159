namespace Im.Orleans.Concurrency;

/// <summary>Overrides the response timeout for one interface method, e.g. [ResponseTimeout("00:00:05")].</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
{
    public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
}
