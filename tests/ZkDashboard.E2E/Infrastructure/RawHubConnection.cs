using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// A SignalR client spoken by hand over a raw WebSocket (JSON hub protocol, records ended by 0x1E): what a person with
/// a copied cookie could script without the dashboard's page. For tests of forged hub calls.
/// </summary>
public sealed class RawHubConnection : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket socket;
    private readonly StringBuilder pending = new();
    private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
    private int nextId;

    private RawHubConnection(ClientWebSocket socket) => this.socket = socket;

    /// <summary>Negotiates over HTTP with <paramref name="cookieHeader"/>, opens the WebSocket with it and does the handshake.</summary>
    public static async Task<RawHubConnection> ConnectAsync(Uri baseUri, string cookieHeader, string hubPath = "hubs/zk")
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, hubPath + "/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Cookie", cookieHeader);
        using var response = await http.SendAsync(negotiate);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"negotiate answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
        var token = JsonDocument.Parse(body).RootElement.GetProperty("connectionToken").GetString();

        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookieHeader);
        var uri = new UriBuilder(baseUri) { Scheme = baseUri.Scheme == "https" ? "wss" : "ws", Path = baseUri.AbsolutePath + hubPath, Query = "id=" + Uri.EscapeDataString(token!) }.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, cts.Token);
        var connection = new RawHubConnection(socket);
        await connection.SendAsync("{\"protocol\":\"json\",\"version\":1}");
        var handshake = await connection.ReceiveAsync();
        if (handshake.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("SignalR handshake refused: " + error.GetString());
        }
        return connection;
    }

    /// <summary>Invokes <paramref name="target"/> and returns its completion: (result, null) or (null, error text).</summary>
    public async Task<(JsonElement? Result, string? Error)> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var message = await ReceiveAsync();
            // 3 = completion; pings (6) and invocations from the server are skipped.
            if (message.TryGetProperty("type", out var type) && type.GetInt32() == 3
                && message.TryGetProperty("invocationId", out var invocation) && invocation.GetString() == id)
            {
                return (message.TryGetProperty("result", out var result) ? result.Clone() : null,
                    message.TryGetProperty("error", out var error) ? error.GetString() : null);
            }
        }
        throw new TimeoutException($"No completion for {target} within 30 s.");
    }

    private async Task SendAsync(string json)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
    }

    private async Task<JsonElement> ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = pending.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                pending.Remove(0, end + 1);
                return JsonDocument.Parse(text[..end]).RootElement.Clone();
            }
            var read = await socket.ReceiveAsync(buffer, cts.Token);
            if (read.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The hub closed the connection: {read.CloseStatus} {read.CloseStatusDescription}");
            }
            var chars = new char[Encoding.UTF8.GetMaxCharCount(read.Count)];
            pending.Append(chars, 0, decoder.GetChars(buffer, 0, read.Count, chars, 0)); // a character may span two frames
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        socket.Dispose();
    }
}
