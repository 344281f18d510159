namespace Im.Orleans.Runtime;

/// <summary>FNV-1a over UTF-16 code units with a final avalanche: stable across processes and machines.</summary>
public static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Compute(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = OffsetBasis;
        foreach (var c in value)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }
        return Avalanche(hash);
    }

    public static uint Combine(uint first, uint second) => Avalanche(first * 31 + second);

    // Murmur3's finalizer spreads FNV's weak low bits so rendezvous hashing stays uniform.
    private static uint Avalanche(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
