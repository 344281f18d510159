namespace Im.Orleans.Silo.Hosting;

/// <summary>The JSON body of /health/live and /health/ready.</summary>
/// <param name="Status">"live", "ready", "not_ready" or "draining".</param>
/// <param name="Member">Whether the cluster view holds this silo as Active (null for /health/live).</param>
/// <param name="Database">Whether PostgreSQL answered (null for /health/live).</param>
/// <param name="ActiveSilos">How many silos the view holds as active (null for /health/live).</param>
/// <param name="Error">Why the silo is not ready, when it is not.</param>
internal sealed record SiloHealthReport(string Status, bool? Member = null, bool? Database = null, int? ActiveSilos = null, string? Error = null);
