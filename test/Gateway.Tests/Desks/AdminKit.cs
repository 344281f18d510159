using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests.Desks;

/// <summary>Shortcuts for the desk administration tests: host-minted users by role, REST calls with a bearer token.</summary>
internal static class AdminKit
{
    private static int s_next;

    public static string NewId(string name) => $"{name}-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..32];

    public static async Task<IssuedToken> UserAsync(this GatewayServer server, string name, string role)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { userId = NewId(name), displayName = name, role }) };
        request.Headers.Add("X-Api-Key", GatewayServer.ApiKey);
        var response = await server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
    }

    public static async Task<(int Status, JsonElement Body)> SendAsync(this GatewayServer server, HttpMethod method, string path, IssuedToken? caller, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (caller is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        if (body is not null) request.Content = body as HttpContent ?? JsonContent.Create(body);
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(int Status, JsonElement Body)> PutDeskAsync(this GatewayServer server, string deskId, IssuedToken caller, object body) =>
        server.SendAsync(HttpMethod.Put, $"/api/desks/{deskId}", caller, body);

    /// <summary>A desk the operator created with the given staff, a label, a quick reply and otherwise defaults.</summary>
    public static async Task<string> NewDeskAsync(this GatewayServer server, IssuedToken @operator, string[] agents, string[] supervisors)
    {
        var deskId = NewId("desk");
        var (status, body) = await server.PutDeskAsync(deskId, @operator, new
        {
            name = "Help", agents, supervisors, labels = new[] { "billing" },
            quickReplies = new[] { new { shortcut = "hello", text = "Hello {name}!" } },
        });
        if (status != 200) throw new InvalidOperationException($"PUT desk answered {status}: {body}");
        return deskId;
    }
}
