// The `aiwg` settings the server receives at start-up. The server trusts what arrives in
// `initializationOptions` (it may choose a drafting program), so only the user's own values
// go there; workspace values reach it through `workspace/configuration`, which it does not
// trust for those keys.

/** The part of `vscode.WorkspaceConfiguration` this needs. */
export interface Inspectable {
  inspect<T>(key: string): { globalValue?: T } | undefined;
}

export function serverSettings(config: Inspectable): Record<string, unknown> {
  const user = <T>(key: string): T | undefined => config.inspect<T>(key)?.globalValue;
  return {
    aiwgRoot: user<string>('aiwgRoot') || null,
    exclude: user<string[]>('exclude') ?? [],
    diagnostics: user<Record<string, string>>('diagnostics') ?? {},
    diagnosticsDelayMs: user<number>('diagnosticsDelayMs') ?? 100,
    inlayHints: user<boolean>('inlayHints') ?? true,
    adrTemplate: user<string>('adrTemplate') ?? 'auto',
    // Drafting: the backend and command choose a program, so only user-level values are sent.
    agent: {
      backend: user<string>('agent.backend') ?? 'builtin',
      command: user<string[]>('agent.command') ?? null,
      timeoutSeconds: user<number>('agent.timeoutSeconds') ?? 300,
      maxOutputBytes: user<number>('agent.maxOutputBytes') ?? 262144,
      promptBudgetBytes: user<number>('agent.promptBudgetBytes') ?? 65536,
      agents: user<Record<string, string>>('agent.agents') ?? {},
    },
    // VS Code pulls diagnostics (textDocument/diagnostic, workspace/diagnostic); asking for
    // pull makes the server stop pushing, so each diagnostic shows once. `workspaceDiagnostics`
    // is the extension's to apply (it decides whether to pull the workspace), not sent.
    pullDiagnostics: true,
  };
}
