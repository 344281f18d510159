using System.Security.Claims;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Im.Orleans.Gateway.Files;

/// <summary>POST /api/files (multipart upload into a conversation) and GET /api/files/{id} (members only).</summary>
public static class FileEndpoints
{
    // Room for the multipart boundaries, part headers and the conversationId field around the file itself.
    private const long MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/files").RequireAuthorization();
        group.MapPost("/", Upload);
        group.MapGet("/{id}", Download);
        return routes;
    }

    private static async Task<Results<Ok<UploadedFile>, JsonHttpResult<ErrorResponse>>> Upload(
        HttpContext context, ClaimsPrincipal user, IFileStore files, IGrainFactory grains, IOptions<FileUploadOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var limit = o.MaxBytes + MultipartOverhead;
        if (context.Request.ContentLength > limit) return Error(StatusCodes.Status413PayloadTooLarge, ErrorResponse.Invalid($"files may be at most {o.MaxBytes} bytes"));
        // The server-wide body limit is small (JSON requests); raise it for this request only.
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
        if (!context.Request.HasFormContentType) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("expected multipart/form-data with a file and a conversationId"));

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
        var conversationId = form["conversationId"].ToString();
        if (file is null) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("a file part is required"));
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        if (form["purpose"].ToString() == AvatarFiles.Purpose) return await UploadAvatarAsync(file, userId, files, o, time, cancellationToken);
        if (string.IsNullOrEmpty(conversationId) || conversationId.Length > 200) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("conversationId is required"));
        if (file.Length > o.MaxBytes) return Error(StatusCodes.Status413PayloadTooLarge, ErrorResponse.Invalid($"files may be at most {o.MaxBytes} bytes"));
        if (file.Length == 0) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("the file is empty"));
        var contentType = NormalizeContentType(file.ContentType);
        if (contentType is null || !o.AllowedContentTypes.Contains(contentType, StringComparer.Ordinal))
            return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid($"content type '{file.ContentType}' is not allowed"));

        if (await MembershipError(grains, conversationId, userId) is { } denied) return denied;

        var metadata = new StoredFile(FileIds.New(), conversationId, userId, SafeFileName(file.FileName), contentType, file.Length, time.GetUtcNow());
        await using var stream = file.OpenReadStream();
        var stored = await files.SaveAsync(stream, metadata, cancellationToken);
        return TypedResults.Ok(new UploadedFile(stored.Id, stored.ConversationId, stored.FileName, stored.ContentType, stored.Size, FileKinds.For(stored.ContentType), $"/api/files/{stored.Id}"));
    }

    private static async Task<Results<FileStreamHttpResult, JsonHttpResult<ErrorResponse>>> Download(
        string id, HttpContext context, ClaimsPrincipal user, IFileStore files, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var file = await files.FindAsync(id, cancellationToken);
        if (file is null) return Error(StatusCodes.Status404NotFound, ErrorResponse.NotFound("no such file"));
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        // Avatars show beside names in every list and search result: any signed-in user may fetch them.
        if (!AvatarFiles.IsAvatar(file) && await MembershipError(grains, file.ConversationId, userId) is { } denied) return denied;

        var content = await files.OpenReadAsync(file, cancellationToken);
        if (content is null) return Error(StatusCodes.Status404NotFound, ErrorResponse.NotFound("no such file"));

        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, max-age=86400";
        // Only media renders inline; anything else downloads, so an uploaded document can never run as a page.
        var inline = FileKinds.For(file.ContentType) != MessageKinds.File;
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(file.FileName);
        headers.ContentDisposition = disposition.ToString();
        // The stream is seekable (a file on disk or the bytes from PostgreSQL), so Range requests get 206 with the
        // slice; the upload time is Last-Modified on every gateway alike. The result disposes the stream.
        return TypedResults.Stream(content, file.ContentType, lastModified: file.UploadedAt, enableRangeProcessing: true);
    }

    /// <summary>An avatar: an allowed image of at most Files:MaxAvatarBytes, owned by the uploader, in no conversation.</summary>
    private static async Task<Results<Ok<UploadedFile>, JsonHttpResult<ErrorResponse>>> UploadAvatarAsync(
        IFormFile file, string userId, IFileStore files, FileUploadOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (file.Length > options.MaxAvatarBytes) return Error(StatusCodes.Status413PayloadTooLarge, ErrorResponse.Invalid($"avatars may be at most {options.MaxAvatarBytes} bytes"));
        if (file.Length == 0) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("the file is empty"));
        var contentType = NormalizeContentType(file.ContentType);
        if (contentType is null || FileKinds.For(contentType) != MessageKinds.Image || !options.AllowedContentTypes.Contains(contentType, StringComparer.Ordinal))
            return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid($"an avatar must be an image, not '{file.ContentType}'"));
        var metadata = new StoredFile(FileIds.New(), AvatarFiles.Owner(userId), userId, SafeFileName(file.FileName), contentType, file.Length, time.GetUtcNow());
        await using var stream = file.OpenReadStream();
        var stored = await files.SaveAsync(stream, metadata, cancellationToken);
        return TypedResults.Ok(new UploadedFile(stored.Id, null, stored.FileName, stored.ContentType, stored.Size, MessageKinds.Image, AvatarFiles.Url(stored.Id)));
    }

    /// <summary>Null when the user is a member; otherwise the 403/404 to answer (the conversation grain decides).</summary>
    private static async Task<JsonHttpResult<ErrorResponse>?> MembershipError(IGrainFactory grains, string conversationId, string userId)
    {
        try
        {
            await grains.GetGrain<IConversationGrain>(conversationId).GetView(userId);
            return null;
        }
        catch (ChatException e) when (e.Code == ErrorCodes.NotFound)
        {
            return Error(StatusCodes.Status404NotFound, ErrorResponse.NotFound("no such conversation"));
        }
        catch (ChatException)
        {
            return Error(StatusCodes.Status403Forbidden, ErrorResponse.Forbidden("not a member of the conversation"));
        }
    }

    private static string? NormalizeContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue ? parsed.MediaType.Value!.ToLowerInvariant() : null;

    private static string SafeFileName(string? name)
    {
        var clean = Path.GetFileName(name ?? "").Where(c => !char.IsControl(c) && c != '"' && c != '\\').ToArray();
        var result = new string(clean).Trim();
        return result.Length == 0 ? "file" : result.Length > 200 ? result[..200] : result;
    }

    private static JsonHttpResult<ErrorResponse> Error(int status, ErrorResponse error) => TypedResults.Json(error, statusCode: status);
}
