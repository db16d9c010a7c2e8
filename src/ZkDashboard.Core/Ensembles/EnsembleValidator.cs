using System.Text.RegularExpressions;

namespace ZkDashboard.Core.Ensembles;

/// <summary>Checks ensemble definitions; every error names the ensemble, the field and the bad part.</summary>
public static partial class EnsembleValidator
{
    public const int MaxNameLength = 64;
    public static readonly TimeSpan MinSessionTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(10);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>Returns the list of problems (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(EnsembleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        var label = string.IsNullOrWhiteSpace(definition.Name) ? "Ensemble" : $"Ensemble '{definition.Name}'";
        ValidateName(definition.Name, errors);

        var parsedErrors = new List<string>();
        EnsembleConnectString.TryParse(definition.ConnectString, parsedErrors);
        errors.AddRange(parsedErrors.Select(e => $"{label}: {e}"));

        if (definition.SessionTimeout < MinSessionTimeout || definition.SessionTimeout > MaxSessionTimeout)
        {
            errors.Add($"{label}: SessionTimeout {definition.SessionTimeout.TotalSeconds:0.###} s is out of range ({MinSessionTimeout.TotalSeconds:0}-{MaxSessionTimeout.TotalSeconds:0} s).");
        }

        if (definition.Credentials is { } cred)
        {
            if (string.IsNullOrWhiteSpace(cred.User))
            {
                errors.Add($"{label}: Digest.User is empty; give both Digest.User and Digest.Password, or neither.");
            }
            else if (cred.User.Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{label}: Digest.User '{cred.User}' contains ':', which the digest scheme does not allow.");
            }
            if (string.IsNullOrEmpty(cred.Password))
            {
                errors.Add($"{label}: Digest.Password is empty; set it through configuration, an environment variable (ZkDashboard__Ensembles__N__Digest__Password) or user secrets.");
            }
        }

        if (definition.Tls is { Enabled: true } tls)
        {
            CheckFile(tls.CaCertificatePath, "Tls.CaCertificatePath", label, errors);
            CheckFile(tls.ClientCertificatePath, "Tls.ClientCertificatePath", label, errors);
        }

        if (definition.FourLetterWordHosts is null || definition.FourLetterWordHosts.Count == 0)
        {
            if (parsedErrors.Count == 0)
            {
                errors.Add($"{label}: FourLetterWordHosts is empty; leave it out to use the hosts of the connect string.");
            }
        }
        else
        {
            foreach (var host in definition.FourLetterWordHosts)
            {
                EnsembleConnectString.TryParseHost(host, $"{label}: FourLetterWordHosts entry '{host}'", errors);
            }
        }
        return errors;
    }

    /// <summary>Throws <see cref="EnsembleValidationException"/> when the definition is invalid.</summary>
    public static void ThrowIfInvalid(EnsembleDefinition definition)
    {
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            throw new EnsembleValidationException(errors);
        }
    }

    public static void ValidateName(string? name, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("Ensemble Name is empty; every ensemble needs a unique name, e.g. 'prod-eu'.");
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add($"Ensemble Name '{name[..20]}…' is {name.Length} characters long; the limit is {MaxNameLength}.");
        }
        else if (!NamePattern().IsMatch(name))
        {
            var bad = name.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'));
            errors.Add(bad == default || !NamePattern().IsMatch(name[..1])
                ? $"Ensemble Name '{name}' must start with a letter or digit (it appears in URLs)."
                : $"Ensemble Name '{name}' contains '{bad}'; use letters, digits, '-', '_' and '.' only (it appears in URLs).");
        }
    }

    private static void CheckFile(string? path, string field, string label, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            errors.Add($"{label}: {field} '{path}' does not exist.");
        }
    }
}
