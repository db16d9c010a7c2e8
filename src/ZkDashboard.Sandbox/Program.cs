using ZkDashboard.Sandbox;

return await SandboxCli.RunAsync(args).ConfigureAwait(false);
