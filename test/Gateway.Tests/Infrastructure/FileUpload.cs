using System.Net.Http.Headers;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>POST /api/files as the web client sends it: multipart with the file and the conversation id.</summary>
internal static class FileUpload
{
    public static Task<HttpResponseMessage> SendAsync(GatewayServer server, string token, string conversationId, byte[] bytes, string contentType, string fileName)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(content, "file", fileName);
        form.Add(new StringContent(conversationId), "conversationId");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/files") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request);
    }
}
