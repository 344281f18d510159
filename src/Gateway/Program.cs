using Im.Orleans.Gateway.Hosting;

// `dotnet run --project src/Gateway`: silo, SQLite under ./data, web client and hub on http://localhost:5000.
var app = GatewayApp.Create(args);
await app.RunAsync();
