namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>Mirrors Im.Orleans.CodeGeneration.InvokeMethodOptions, which this assembly cannot reference.</summary>
    internal static class OptionFlags
    {
        public const int OneWay = 1;
        public const int ReadOnly = 2;
        public const int AlwaysInterleave = 4;
    }
}
