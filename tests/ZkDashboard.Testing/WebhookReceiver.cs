using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace ZkDashboard.Testing;

/// <summary>A real HTTP receiver on loopback (HttpListener): records every POST body; answers with the status <see cref="Respond"/> picks.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Lock _lock = new();
    private readonly List<Received> _received = [];
    private readonly SemaphoreSlim _signal = new(0);

    public sealed record Received(string Path, string Body, IReadOnlyDictionary<string, string> Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    public WebhookReceiver()
    {
        // A free port, then listen on it (HttpListener cannot pick one itself).
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hook");

    /// <summary>Status code for the n-th request (1-based); 200 by default.</summary>
    public Func<int, HttpStatusCode> Respond { get; set; } = _ => HttpStatusCode.OK;

    public IReadOnlyList<Received> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over everything received; fails with what came at the deadline.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var all = All;
            if (condition(all))
            {
                return all;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"Timed out waiting for {what}; received {all.Count}: {string.Join(" | ", all.Select(r => r.Body))}");
            }
            await _signal.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(ctx.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => ctx.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            int n;
            lock (_lock)
            {
                _received.Add(new Received(ctx.Request.Url?.AbsolutePath ?? "", body, headers));
                n = _received.Count;
            }
            ctx.Response.StatusCode = (int)Respond(n);
            ctx.Response.Close();
            _signal.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
        _signal.Dispose();
    }
}
