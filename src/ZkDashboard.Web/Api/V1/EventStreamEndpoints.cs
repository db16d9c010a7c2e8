using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Watches;

namespace ZkDashboard.Web.Api.V1;

/// <summary>One event of the stream (the data line of an SSE event).</summary>
public sealed record WatchEventResponse(string Ensemble, string SubscribedPath, string Kind, string Path, string Change, StatResponse? Stat,
    int CoalescedCount, DateTimeOffset Timestamp);

/// <summary>
/// Server-Sent Events of a node, its children or its subtree (<c>curl -N</c>), through <see cref="IUserWatches"/>: the same
/// fan-out, coalescing and access filtering as the UI. A heartbeat comment keeps proxies from closing an idle stream; the
/// subscription ends when the client goes away.
/// </summary>
public static class EventStreamEndpoints
{
    internal static RouteGroupBuilder MapEventStreamEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/ensembles/{e}/events/{**path}", StreamAsync).WithName("StreamEvents").WithTags("events")
            .WithSummary("Follow a node, its children or its subtree (Server-Sent Events)")
            .WithDescription("""
                `mode`: `data` (the node: created, deleted, data changed), `children` (its children list), `subtree` (default; the node and every
                descendant you may see). `text/event-stream`: `event: ready` once the watch is in place (read the initial state after it: no change is
                lost in between), then `event: <Change>` with a JSON `data:` line per coalesced change; `Resync` means re-read what you show (after a
                reconnect or when the stream fell behind). `: heartbeat` comments every 15 s. Needs watch (and read).
                Example: `curl -N -H "Authorization: Bearer $TOKEN" http://127.0.0.1:5000/api/v1/ensembles/sandbox/events/demo?mode=subtree`.
                """)
            .Produces<WatchEventResponse>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        return api;
    }

    private static async Task<IResult> StreamAsync(HttpContext context, string e, string? path, IUserWatches watches, IOptions<ApiOptions> options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (nodePath, pathError) = ApiInput.NodePath(context, NodeEndpoints.SegmentsBeforePath, path);
        if (pathError is not null)
        {
            return pathError;
        }
        var modeText = context.Request.Query["mode"].ToString();
        WatchKind kind;
        switch (modeText)
        {
            case "" or "subtree": kind = WatchKind.Subtree; break;
            case "data": kind = WatchKind.Data; break;
            case "children": kind = WatchKind.Children; break;
            default: return ApiProblems.Invalid("mode", $"unknown mode '{modeText}'; allowed: data, children, subtree.");
        }
        var stream = new SseWriter(context.Response, json.Value.SerializerOptions);
        // Subscribing checks access (403, audited) and the ensemble (404) before anything is sent.
        using var subscription = await watches.SubscribeAsync(ApiV1.User(context), e, nodePath!, kind, stream, ct).ConfigureAwait(false);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await stream.StartAsync(subscription, ct).ConfigureAwait(false);
            using var heartbeat = new PeriodicTimer(options.Value.HeartbeatInterval);
            while (await heartbeat.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                await stream.CommentAsync("heartbeat", ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the subscription is disposed on the way out.
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            stream.Stop();
        }
        return Results.Empty;
    }

    /// <summary>Writes the subscription's notifications (one at a time per subscription, on the hub's workers) and heartbeats, never interleaved.</summary>
    private sealed class SseWriter(HttpResponse response, JsonSerializerOptions json) : IWatchSubscriber
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _id;

        public async Task StartAsync(IWatchSubscription subscription, CancellationToken ct)
        {
            string ready;
            try
            {
                await subscription.Ready.WaitAsync(ct).ConfigureAwait(false);
                ready = JsonSerializer.Serialize(new { subscription.Ensemble, subscription.Path, Kind = subscription.Kind.ToString(), Watching = true }, json);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The hub keeps trying and sends a Resync once the watch is in place.
                ready = JsonSerializer.Serialize(new { subscription.Ensemble, subscription.Path, Kind = subscription.Kind.ToString(), Watching = false, Error = ex.Message }, json);
            }
            await WriteAsync("ready", ready, ct).ConfigureAwait(false);
            _started.TrySetResult();
        }

        public void Stop() => _started.TrySetCanceled();

        public async ValueTask OnWatchEventAsync(WatchNotification n, CancellationToken ct)
        {
            try
            {
                await _started.Task.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the stream ended before it started
            }
            var message = new WatchEventResponse(n.Ensemble, n.SubscribedPath, n.Kind.ToString(), n.Path, n.Change.ToString(), StatResponse.From(n.Stat),
                n.CoalescedCount, n.Timestamp);
            try
            {
                await WriteAsync(n.Change.ToString(), JsonSerializer.Serialize(message, json), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The client went away; the request ends and disposes the subscription.
            }
        }

        public Task CommentAsync(string text, CancellationToken ct) => WriteRawAsync(": " + text + "\n\n", ct);

        private Task WriteAsync(string eventName, string data, CancellationToken ct)
            => WriteRawAsync($"id: {Interlocked.Increment(ref _id)}\nevent: {eventName}\ndata: {data}\n\n", ct);

        private async Task WriteRawAsync(string text, CancellationToken ct)
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
