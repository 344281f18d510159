using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Im.Orleans.Gateway.Files;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>With PostgreSQL storage, uploads live in the database (im_files), so any gateway serves any file.</summary>
public sealed class PostgresFileStoreTests : IClassFixture<PostgresServer>
{
    private readonly PostgresServer _postgres;

    public PostgresFileStoreTests(PostgresServer postgres) => _postgres = postgres;

    [Fact]
    public async Task Saved_files_are_found_with_their_bytes_by_another_store_instance()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("files_" + Guid.NewGuid().ToString("N")[..8]);
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var metadata = new StoredFile(FileIds.New(), "conv-1", "alice", "report.pdf", "application/pdf", bytes.Length,
            new DateTimeOffset(2026, 11, 21, 10, 30, 15, TimeSpan.Zero));

        StoredFile saved;
        await using (var uploading = new PostgresFileStore(connectionString))
        {
            using var content = new MemoryStream(bytes);
            saved = await uploading.SaveAsync(content, metadata with { Size = 0 }, CancellationToken.None);
            Assert.Equal(metadata, saved); // the size is what was stored, not what the caller claimed
        }

        // Another instance (as another gateway would be) finds the same file: nothing was kept in memory or on disk.
        await using var store = new PostgresFileStore(connectionString);
        var found = await store.FindAsync(metadata.Id, CancellationToken.None);
        Assert.Equal(metadata, found);
        await using (var stream = await store.OpenReadAsync(found!, CancellationToken.None))
        {
            Assert.NotNull(stream);
            Assert.True(stream.CanSeek, "a seekable stream, so downloads can answer Range requests");
            using var read = new MemoryStream();
            await stream.CopyToAsync(read);
            Assert.Equal(bytes, read.ToArray());
        }

        var unknown = Guid.NewGuid().ToString("N");
        Assert.Null(await store.FindAsync(unknown, CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(metadata with { Id = unknown }, CancellationToken.None));
        Assert.Null(await store.FindAsync("not-a-file-id' OR '1'='1", CancellationToken.None));
    }

    [Fact]
    public async Task A_gateway_on_postgres_serves_files_uploaded_through_another_with_ranges()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("gwfiles_" + Guid.NewGuid().ToString("N")[..8]);
        // One signing key for both nodes, as a cluster's gateways share one.
        string[] args = [$"--Storage:Postgres:ConnectionString={connectionString}", $"--Auth:SigningKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}"];
        var bytes = RandomNumberGenerator.GetBytes(1000);
        string memberToken, outsiderToken;
        string url;

        await using (var first = await GatewayServer.StartAsync(args))
        {
            Assert.IsType<PostgresFileStore>(first.Services.GetRequiredService<IFileStore>());
            var (alice, aliceHub) = await first.ConnectGuestAsync("Alice");
            var (bob, bobHub) = await first.ConnectGuestAsync("Bob");
            await using var _ = aliceHub;
            await using var __ = bobHub;
            var conversationId = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
            var upload = await FileUpload.SendAsync(first, alice.Token, conversationId, bytes, "application/pdf", "notes.pdf");
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
            url = (await upload.Content.ReadFromJsonAsync<JsonElement>()).Str("url");
            memberToken = bob.Token;
            outsiderToken = (await first.GuestAsync("Outsider")).Token;
            Assert.False(Directory.Exists(Path.Combine(first.DataDirectory, "files")), "nothing is written to the gateway's data directory");
        }

        // A second node with an empty data directory serves the file from PostgreSQL, exactly as the disk store did.
        await using var second = await GatewayServer.StartAsync(args);
        var download = await GetAsync(second, url, memberToken);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("notes.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.True(download.Headers.CacheControl!.Private);
        Assert.Equal("bytes", download.Headers.AcceptRanges.Single());

        var range = await GetAsync(second, url, memberToken, new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(bytes[100..200], await range.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 100-199/1000", range.Content.Headers.ContentRange!.ToString());

        await AuthTests.AssertError(await GetAsync(second, url, outsiderToken), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(second, $"/api/files/{Guid.NewGuid():N}", memberToken)).StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(GatewayServer server, string url, string token, RangeHeaderValue? range = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Range = range;
        return await server.Http.SendAsync(request);
    }
}
