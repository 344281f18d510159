using System.Text.Json.Serialization;

namespace Im.Orleans.Runtime.Tests.Grains;

[JsonSerializable(typeof(CounterState))]
[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(List<Note>))]
[JsonSerializable(typeof(List<int>))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}

public sealed class CounterState
{
    public int Value { get; set; }
    public List<string> History { get; set; } = [];
}

public sealed record Note(string Author, string Text, int Number);

/// <summary>Not in any JSON context: calls that carry it must be refused.</summary>
public sealed class NotSerializable(Action callback)
{
    public Action Callback { get; } = callback;
}

public sealed class TestGrainException(string message) : Exception(message);
