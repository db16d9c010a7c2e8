using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkDashboard.Core.Health.Notifications;

/// <summary>Why a message is sent.</summary>
public enum NotificationPhase
{
    Raised,
    /// <summary>Reminder: the alert is still active after the channel's repeat interval.</summary>
    Repeat,
    Resolved,
    /// <summary>"Send test" from the notifications page.</summary>
    Test,
}

/// <summary>One message for one channel.</summary>
public sealed record AlertNotification(NotificationPhase Phase, HealthAlert Alert, DateTimeOffset CreatedAt, Uri? DashboardUrl)
{
    /// <summary>The same for every message about one alert condition (ensemble, server, kind): receivers group or de-duplicate on it.</summary>
    public string DedupKey => $"zkdashboard/{Alert.Ensemble}/{Alert.Server ?? "-"}/{Alert.Kind}";

    public string? HealthLink => DashboardUrl is null ? null : new Uri(DashboardUrl, $"e/{Uri.EscapeDataString(Alert.Ensemble)}/health").ToString();

    public string Headline => Phase switch
    {
        NotificationPhase.Resolved => $"RESOLVED {Alert.Kind} on {Target}",
        NotificationPhase.Repeat => $"STILL ACTIVE {Alert.Severity} {Alert.Kind} on {Target}",
        NotificationPhase.Test => $"TEST notification from ZkDashboard ({Target})",
        _ => $"RAISED {Alert.Severity} {Alert.Kind} on {Target}",
    };

    private string Target => Alert.Server is null ? Alert.Ensemble : $"{Alert.Ensemble} {Alert.Server}";

    /// <summary>Plain text for chat and e-mail.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append(Headline).Append('\n').Append(Alert.Message).Append('\n');
            sb.Append("Raised ").Append(Alert.RaisedAt.ToString("u", CultureInfo.InvariantCulture));
            if (Alert.ResolvedAt is { } r)
            {
                sb.Append(", resolved ").Append(r.ToString("u", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
            if (HealthLink is { } link)
            {
                sb.Append(link).Append('\n');
            }
            return sb.ToString();
        }
    }
}

/// <summary>The generic webhook's JSON body (version 1).</summary>
public sealed record NotificationPayload(
    int Version, string Status, string DedupKey, string Channel, DateTimeOffset SentAt, string Summary, string? Link, NotificationPayloadAlert Alert)
{
    public static NotificationPayload From(AlertNotification n, string channel)
    {
        ArgumentNullException.ThrowIfNull(n);
        var a = n.Alert;
        return new NotificationPayload(1, n.Phase.ToString().ToLowerInvariant(), n.DedupKey, channel, n.CreatedAt, n.Headline, n.HealthLink,
            new NotificationPayloadAlert(a.Id, a.Ensemble, a.Server, a.Kind.ToString(), a.Severity.ToString().ToLowerInvariant(), a.Message,
                a.RaisedAt, a.ResolvedAt, a.LastSeenAt));
    }
}

public sealed record NotificationPayloadAlert(long Id, string Ensemble, string? Server, string Kind, string Severity, string Message,
    DateTimeOffset RaisedAt, DateTimeOffset? ResolvedAt, DateTimeOffset LastSeenAt);

/// <summary>A delivery attempt failed; <see cref="Retryable"/> says whether another attempt may succeed (5xx, 429, network) or not (4xx, bad address).</summary>
public sealed class NotificationDeliveryException : Exception
{
    public NotificationDeliveryException(string message, bool retryable, Exception? inner = null, TimeSpan? retryAfter = null) : base(message, inner)
    {
        Retryable = retryable;
        RetryAfter = retryAfter;
    }

    public NotificationDeliveryException() : this("Delivery failed.", true) { }

    public NotificationDeliveryException(string message) : this(message, true) { }

    public NotificationDeliveryException(string message, Exception innerException) : this(message, true, innerException) { }

    public bool Retryable { get; }

    /// <summary>The receiver's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>Sends one message once (no retries; the channel retries).</summary>
internal interface INotificationSender
{
    Task SendAsync(AlertNotification notification, CancellationToken ct);
}

/// <summary>Webhook and Slack: one POST; 2xx is delivered, 5xx/429/network errors are retried, other statuses are not.</summary>
internal sealed class HttpNotificationSender(HttpClient http, NotificationChannelOptions options) : INotificationSender
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public async Task SendAsync(AlertNotification notification, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url);
        request.Content = options.Type == NotificationChannelType.Slack
            ? JsonContent.Create(new { text = notification.Text }, options: Json)
            : JsonContent.Create(NotificationPayload.From(notification, options.Name), options: Json);
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new NotificationDeliveryException($"No answer from {options.DisplayTarget} within {options.Timeout.TotalSeconds:0.#} s.", true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new NotificationDeliveryException($"Could not reach {options.DisplayTarget}: {ex.Message}", true, ex);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            var code = (int)response.StatusCode;
            var retryable = code >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
            var retryAfter = response.Headers.RetryAfter?.Delta;
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                body = "";
            }
            body = body.Length > 200 ? body[..200] + "…" : body;
            throw new NotificationDeliveryException(
                $"{options.DisplayTarget} answered {code} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}"
                + (retryable ? "" : " (not retried: fix the channel's URL or credentials)"), retryable, retryAfter: retryAfter);
        }
    }
}

/// <summary>E-mail through System.Net.Mail (plain text, one message to every recipient).</summary>
internal sealed class SmtpNotificationSender(NotificationChannelOptions options) : INotificationSender
{
    public async Task SendAsync(AlertNotification notification, CancellationToken ct)
    {
        var smtp = options.Smtp;
        using var message = new MailMessage
        {
            From = new MailAddress(smtp.From),
            Subject = "[ZkDashboard] " + notification.Headline,
            Body = notification.Text,
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        foreach (var to in smtp.To)
        {
            message.To.Add(to);
        }
        message.Headers.Add("X-ZkDashboard-Dedup-Key", notification.DedupKey);
        message.Headers.Add("X-ZkDashboard-Status", notification.Phase.ToString().ToLowerInvariant());
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            Timeout = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds),
            DeliveryMethod = SmtpDeliveryMethod.Network,
        };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await client.SendMailAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new NotificationDeliveryException($"No answer from {options.DisplayTarget} within {options.Timeout.TotalSeconds:0.#} s.", true, ex);
        }
        catch (SmtpFailedRecipientsException ex)
        {
            throw new NotificationDeliveryException($"{options.DisplayTarget} refused the recipients: {ex.Message}", false, ex);
        }
        catch (SmtpException ex)
        {
            // 4xx replies are transient by definition (RFC 5321); 5xx are permanent.
            var code = (int)ex.StatusCode;
            var retryable = code is < 500 or >= 600;
            throw new NotificationDeliveryException($"{options.DisplayTarget}: {ex.Message}", retryable, ex);
        }
    }
}
