using System.Security.Claims;
using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Im.Orleans.Gateway.Desks;

/// <summary>
/// GET /api/desks, GET and PUT /api/desks/{deskId}: desk configuration for operators (every desk) and the desks' own
/// staff (reading) and supervisors (changing all but who works the desk). Bearer tokens only: the default scheme is
/// JwtBearer, and the one cookie it reads belongs to the dashboard's paths. Grain refusals keep their codes through
/// ClientErrorMiddleware (invalid → 400, not_found → 404, forbidden → 403).
/// </summary>
public static class DeskEndpoints
{
    public static IEndpointRouteBuilder MapDeskEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/desks").RequireAuthorization();
        group.MapGet("/", List);
        group.MapGet("/{deskId}", Get);
        group.MapPut("/{deskId}", Put);
        return routes;
    }

    private static async Task<Results<Ok<DeskConfig[]>, JsonHttpResult<ErrorResponse>>> List(ClaimsPrincipal user, IGrainFactory grains)
    {
        var me = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var isOperator = user.IsInRole(ChatRoles.Operator);
        var views = await DeskViews.AllAsync(grains);
        var visible = views.Where(v => isOperator || DeskViews.IsStaff(v.Settings, me)).Select(DeskConfig.From).ToArray();
        // Agents see the desks that list them (possibly none yet); anyone else who is on no desk has no business here.
        if (visible.Length == 0 && !isOperator && !user.IsInRole(ChatRoles.Agent))
            return Error(StatusCodes.Status403Forbidden, ErrorResponse.Forbidden("desks are for operators and desk staff"));
        return TypedResults.Ok(visible);
    }

    private static async Task<Results<Ok<DeskConfig>, JsonHttpResult<ErrorResponse>>> Get(string deskId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!UserIdRules.IsValid(deskId)) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid(DeskViews.DeskIdRule));
        var view = await DeskViews.FindAsync(grains, deskId);
        if (view is null) return Error(StatusCodes.Status404NotFound, ErrorResponse.NotFound($"there is no desk '{deskId}'"));
        if (!user.IsInRole(ChatRoles.Operator) && !DeskViews.IsStaff(view.Settings, user.FindFirstValue(ClaimTypes.NameIdentifier)))
            return Error(StatusCodes.Status403Forbidden, ErrorResponse.Forbidden($"only operators and the staff of desk '{deskId}' see it"));
        return TypedResults.Ok(DeskConfig.From(view));
    }

    private static async Task<Results<Ok<DeskConfig>, JsonHttpResult<ErrorResponse>>> Put(
        string deskId, DeskConfig? body, ClaimsPrincipal user, IGrainFactory grains, IAccountStore accounts, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!UserIdRules.IsValid(deskId)) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid(DeskViews.DeskIdRule));
        if (body is null) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("a DeskConfig body is required"));
        if (body.DeskId is not null && body.DeskId != deskId) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid("deskId in the body differs from the path"));
        var me = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var current = await DeskViews.FindAsync(grains, deskId);
        if (!user.IsInRole(ChatRoles.Operator))
        {
            if (current is null) return Error(StatusCodes.Status403Forbidden, ErrorResponse.Forbidden("only operators create desks"));
            if (!current.Settings.Supervisors.Contains(me, StringComparer.Ordinal))
                return Error(StatusCodes.Status403Forbidden, ErrorResponse.Forbidden($"only operators and supervisors of desk '{deskId}' change it"));
            if (!SameIds(body.Agents, current.Settings.Agents) || !SameIds(body.Supervisors, current.Settings.Supervisors))
                return Error(StatusCodes.Status403Forbidden, ErrorResponse.Forbidden("only operators change a desk's agents and supervisors"));
        }
        IReadOnlyList<string> agents = body.Agents ?? (IReadOnlyList<string>?)current?.Settings.Agents ?? [];
        IReadOnlyList<string> supervisors = body.Supervisors ?? (IReadOnlyList<string>?)current?.Settings.Supervisors ?? [];
        var (settings, error) = body.ToSettings(agents, supervisors);
        if (settings is null) return Error(StatusCodes.Status400BadRequest, ErrorResponse.Invalid(error!));

        var view = await grains.GetGrain<IDeskGrain>(deskId).ConfigureBy(settings, me);
        await StaffRoles.PromoteAsync(accounts, view.Settings, loggers.CreateLogger(typeof(DeskEndpoints)), cancellationToken);
        return TypedResults.Ok(DeskConfig.From(view));
    }

    /// <summary>Absent means unchanged; a list in another order, or with repeats, is the same list.</summary>
    private static bool SameIds(string[]? given, IReadOnlyList<string> current) =>
        given is null || given.ToHashSet(StringComparer.Ordinal).SetEquals(current);

    private static JsonHttpResult<ErrorResponse> Error(int status, ErrorResponse error) => TypedResults.Json(error, statusCode: status);
}
