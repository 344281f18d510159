namespace Im.Orleans.Grains.Storage;

/// <summary>The serializer of every grain state row: camelCase JSON from <see cref="GrainsJsonContext"/>, no CLR type names.</summary>
internal static class GrainStateJson
{
    public static readonly JsonGrainStorageSerializer Serializer = new(GrainsJsonContext.Default.Options);
}
