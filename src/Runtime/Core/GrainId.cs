namespace Im.Orleans.Runtime;

/// <summary>Identifies a grain: its grain type and its key. The same id names the same grain in every process.</summary>
public readonly struct GrainId : IEquatable<GrainId>, ISpanFormattable
{
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
    }

    /// <summary>The grain type name (see <see cref="GrainTypeAttribute"/>).</summary>
    public string Type { get; }

    /// <summary>The primary key in its canonical string form.</summary>
    public string Key { get; }

    public bool IsDefault => Type is null;

    /// <summary>A hash that is the same in every process, for placement; never use string.GetHashCode across processes.</summary>
    public uint GetUniformHashCode() => StableHash.Combine(StableHash.Compute(Type), StableHash.Compute(Key));

    public static GrainId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) throw new FormatException($"'{value}' is not a grain id of the form type/key.");
        return new GrainId(value[..slash], value[(slash + 1)..]);
    }

    public bool Equals(GrainId other) => string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Type, Key);
    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);
    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
    public override string ToString() => $"{Type}/{Key}";
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => destination.TryWrite($"{Type}/{Key}", out charsWritten);
}
