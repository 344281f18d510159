using Im.Orleans.Silo.Hosting;

// A silo of a cluster: grains on PostgreSQL, membership and placement through the "Cluster" section, HTTP only for
// /health/live and /health/ready. Exits non-zero, saying which setting is missing, when no database is configured.
var app = SiloApp.Create(args);
if (app is null) return 2;
await app.RunAsync();
return 0;
