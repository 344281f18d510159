using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// The data folder holds password hashes, messages, grain state, uploads and the signing key: on Unix nothing under it
/// may be readable, writable or searchable by the group or other users, whether the gateway made it or found it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFilePermissionTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task Every_file_and_folder_a_gateway_writes_is_private_to_its_user()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var server = await GatewayServer.StartAsync();
        await UseEverythingAsync(server);

        var open = Open(server.DataDirectory);
        Assert.Empty(open);
        // The test is only worth something if the gateway wrote what it is meant to guard.
        var names = Directory.EnumerateFileSystemEntries(server.DataDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet();
        Assert.Superset(new HashSet<string?> { "accounts.db", "messages.db", "grains.db", "jwt-signing.key", "files" }, names);
        Assert.Contains(names, n => n!.EndsWith(".bin", StringComparison.Ordinal));
        Assert.Contains(names, n => n!.EndsWith("-wal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_data_folder_left_open_by_an_older_version_is_tightened_at_start()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = Path.Combine(Path.GetTempPath(), "im-gateway-tests-" + Guid.NewGuid().ToString("N"));
        const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Directory.CreateDirectory(Path.Combine(data, "files", "ab"), Folder);
        File.SetUnixFileMode(data, Folder);
        File.WriteAllBytes(Path.Combine(data, "files", "ab", "old.bin"), [1, 2, 3]);
        File.SetUnixFileMode(Path.Combine(data, "files", "ab", "old.bin"), Readable);
        File.WriteAllText(Path.Combine(data, "jwt-signing.key"), Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray()));
        File.SetUnixFileMode(Path.Combine(data, "jwt-signing.key"), Readable);

        try
        {
            await using (var server = await GatewayServer.StartAsync($"--Data:Directory={data}"))
            {
                await server.GuestAsync();
                Assert.Empty(Open(data));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Registers, sends a message and uploads a file, so every store writes its files.</summary>
    private static async Task UseEverythingAsync(GatewayServer server)
    {
        var registered = await server.Http.PostAsJsonAsync("/api/auth/register", new { userId = "perm" + Guid.NewGuid().ToString("N")[..8], password = "correct horse", displayName = "P" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var user = (await registered.Content.ReadFromJsonAsync<IssuedToken>())!;
        await using var hub = await HubClient.ConnectAsync(server.Address, user.Token);
        var id = (await hub.InvokeAsync("CreateGroup", new { title = "perm", memberIds = Array.Empty<string>() })).Str("conversationId");
        await hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "m1", kind = "text", text = "hello" });
        var upload = await FileUpload.SendAsync(server, user.Token, id, Encoding.UTF8.GetBytes("hello file"), "text/plain", "a.txt");
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var file = await upload.Content.ReadFromJsonAsync<JsonElement>();
        await hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "m2", kind = "file", attachmentId = file.Str("id") });
    }

    /// <summary>Every entry under the folder (and the folder) with a group or other permission bit, as "path mode".</summary>
    private static List<string> Open(string root)
    {
        var entries = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root);
        return [.. entries.Select(p => (Path: p, Mode: File.GetUnixFileMode(p)))
            .Where(e => (e.Mode & GroupOrOther) != 0)
            .Select(e => $"{Path.GetRelativePath(root, e.Path)} {Convert.ToString((int)e.Mode, 8)}")];
    }
}
