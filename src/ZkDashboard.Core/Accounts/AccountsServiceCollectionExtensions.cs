using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Core.Accounts;

/// <summary>Registration of local accounts, server-side sessions, API tokens and the first-run setup token.</summary>
public static class AccountsServiceCollectionExtensions
{
    /// <summary>Adds the account services from "ZkDashboard:Auth" (needs AddZkDashboardStore).</summary>
    public static IServiceCollection AddZkDashboardAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Access.IAuditSink, Access.LoggingAuditSink>();
        services.TryAddSingleton<IAuthSessionStore, AuthSessionStore>();
        services.TryAddSingleton<IAccountService, AccountService>();
        services.TryAddSingleton<ApiTokenCache>();
        services.TryAddSingleton<IApiTokenService, ApiTokenService>();
        services.TryAddSingleton<SetupToken>();
        services.AddHostedService(sp => sp.GetRequiredService<SetupToken>());
        return services;
    }
}

/// <summary>Fails start-up with every problem of "ZkDashboard:Auth", each naming its setting.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
