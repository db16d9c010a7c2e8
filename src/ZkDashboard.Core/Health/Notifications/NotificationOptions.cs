namespace ZkDashboard.Core.Health.Notifications;

/// <summary>"ZkDashboard:Health:Notifications": where alert notifications go.</summary>
public sealed class NotificationOptions
{
    public const string Section = "ZkDashboard:Health:Notifications";

    public List<NotificationChannelOptions> Channels { get; set; } = [];

    /// <summary>Base address of the dashboard (e.g. https://zk.example.com), used for links in messages; optional.</summary>
    public Uri? DashboardUrl { get; set; }

    /// <summary>Throws with every problem, each naming its entry (e.g. "ZkDashboard:Health:Notifications:Channels:1 (ops-mail):Smtp:Host").</summary>
    public void Validate()
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Channels.Count; i++)
        {
            var c = Channels[i];
            var key = $"{Section}:Channels:{i}" + (string.IsNullOrWhiteSpace(c.Name) ? "" : $" ({c.Name})");
            if (string.IsNullOrWhiteSpace(c.Name))
            {
                errors.Add($"{key}:Name is missing; give each channel a unique name (e.g. \"ops-slack\").");
            }
            else if (!names.Add(c.Name))
            {
                errors.Add($"{key}:Name '{c.Name}' is used by another channel; names must be unique.");
            }
            c.Validate(key, errors);
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }
    }
}

public enum NotificationChannelType
{
    /// <summary>POST of a JSON document (see <see cref="NotificationPayload"/>).</summary>
    Webhook,
    /// <summary>POST of {"text": "..."} (Slack, Mattermost, Rocket.Chat incoming webhooks).</summary>
    Slack,
    /// <summary>E-mail over SMTP.</summary>
    Email,
}

/// <summary>One notification channel.</summary>
public sealed class NotificationChannelOptions
{
    public string Name { get; set; } = "";

    public NotificationChannelType Type { get; set; } = NotificationChannelType.Webhook;

    /// <summary>Webhook / Slack: the address to POST to.</summary>
    public Uri? Url { get; set; }

    /// <summary>Webhook: extra request headers (e.g. Authorization).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>E-mail: the SMTP server and addresses.</summary>
    public SmtpChannelOptions Smtp { get; set; } = new();

    /// <summary>Ensembles whose alerts go to this channel ("*" = all; exact names otherwise).</summary>
    public List<string> Ensembles { get; set; } = ["*"];

    /// <summary>Only alerts at least this severe.</summary>
    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Warning;

    /// <summary>Send a reminder for an alert still active after this long (zero: never).</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Send a message when an alert resolves.</summary>
    public bool SendResolved { get; set; } = true;

    /// <summary>Attempts per message (the first one included) before it is given up and counted as failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; doubled after each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Matches(HealthAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Severity >= MinSeverity
               && Ensembles.Any(e => e == "*" || string.Equals(e, alert.Ensemble, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where messages go, without secrets (Slack and webhook addresses often carry a token in the path or query).</summary>
    public string DisplayTarget => Type == NotificationChannelType.Email
        ? $"smtp://{Smtp.Host}:{Smtp.Port} → {string.Join(", ", Smtp.To)}"
        : Url is null ? "(no URL)" : $"{Url.Scheme}://{Url.Authority}/…";

    internal void Validate(string key, List<string> errors)
    {
        switch (Type)
        {
            case NotificationChannelType.Webhook or NotificationChannelType.Slack:
                if (Url is null || !Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
                {
                    errors.Add($"{key}:Url '{Url}' must be an absolute http(s) address for a {Type} channel.");
                }
                break;
            case NotificationChannelType.Email:
                Smtp.Validate($"{key}:Smtp", errors);
                break;
            default:
                errors.Add($"{key}:Type '{Type}' is unknown; use Webhook, Slack or Email.");
                break;
        }
        if (Ensembles.Count == 0 || Ensembles.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{key}:Ensembles must list ensemble names or \"*\" (all).");
        }
        if (RepeatInterval < TimeSpan.Zero)
        {
            errors.Add($"{key}:RepeatInterval {RepeatInterval} must not be negative (00:00:00 = never repeat).");
        }
        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add($"{key}:MaxAttempts {MaxAttempts} must be between 1 and 100 (default 5).");
        }
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            errors.Add($"{key}:InitialBackoff {InitialBackoff} / MaxBackoff {MaxBackoff}: both must be non-negative and MaxBackoff at least InitialBackoff.");
        }
        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:Timeout {Timeout} must be positive (default 00:00:10).");
        }
    }
}

/// <summary>SMTP settings of an e-mail channel.</summary>
public sealed class SmtpChannelOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>STARTTLS.</summary>
    public bool EnableSsl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "";

    public List<string> To { get; set; } = [];

    internal void Validate(string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add($"{key}:Host is missing (the SMTP server's name or address).");
        }
        if (Port is < 1 or > 65535)
        {
            errors.Add($"{key}:Port {Port} must be between 1 and 65535.");
        }
        if (!IsAddress(From))
        {
            errors.Add($"{key}:From '{From}' is not an e-mail address.");
        }
        if (To.Count == 0)
        {
            errors.Add($"{key}:To lists no recipient.");
        }
        for (var i = 0; i < To.Count; i++)
        {
            if (!IsAddress(To[i]))
            {
                errors.Add($"{key}:To:{i} '{To[i]}' is not an e-mail address.");
            }
        }
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            errors.Add($"{key}: set both UserName and Password, or neither.");
        }
    }

    private static bool IsAddress(string? value)
        => !string.IsNullOrWhiteSpace(value) && System.Net.Mail.MailAddress.TryCreate(value, out _);
}
