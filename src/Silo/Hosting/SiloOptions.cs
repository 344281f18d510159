namespace Im.Orleans.Silo.Hosting;

/// <summary>Host settings of the silo process ("Silo" section).</summary>
internal sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>
    /// How long a SIGTERM may take: Orleans finishes running turns, deactivates grains (writing their state) and leaves
    /// the membership table before the process exits.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
