// VS Code client for aiwg-lsp: finds the server binary, starts it over stdio and keeps the
// `aiwg` settings in sync with it.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

const SECTION = 'aiwg';
const EXE = process.platform === 'win32' ? 'aiwg-lsp.exe' : 'aiwg-lsp';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('aiwg');
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('aiwg.restartServer', async () => {
      output.appendLine('Restarting the aiwg language server.');
      await stopClient();
      await startClient(context);
    }),
    // Run by the code lens above an ADR's title: the references list at that position.
    vscode.commands.registerCommand(
      'aiwg.showReferences',
      async (uri: string, position: { line: number; character: number }) => {
        await vscode.commands.executeCommand(
          'editor.action.findReferences',
          vscode.Uri.parse(uri),
          new vscode.Position(position.line, position.character),
        );
      },
    ),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // Everything else in the section reaches the running server through
      // `synchronize.configurationSection`; only a new binary needs a restart.
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        const choice = await vscode.window.showInformationMessage(
          'aiwg.server.path changed. Restart the aiwg language server to use it?',
          'Restart',
        );
        if (choice === 'Restart') {
          await vscode.commands.executeCommand('aiwg.restartServer');
        }
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const command = findServer(context);
  output.appendLine(`Using aiwg-lsp at ${command}`);

  const executable: Executable = { command, args: ['serve'] };
  const serverOptions: ServerOptions = { run: executable, debug: executable };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', pattern: '**/*.prov.yaml' },
      // Provider deployments the server reads as markdown: copilot's YAML agents, cursor's
      // `.mdc` rules and windsurf's rules file.
      { scheme: 'file', pattern: '**/.github/agents/*.{yaml,yml}' },
      { scheme: 'file', pattern: '**/*.mdc' },
      { scheme: 'file', pattern: '**/.windsurfrules' },
    ],
    synchronize: { configurationSection: SECTION },
    initializationOptions: () => ({ aiwg: serverSettings() }),
    outputChannel: output,
  };

  client = new LanguageClient('aiwg', 'aiwg language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`Could not start ${command}: ${message}`);
    void vscode.window.showErrorMessage(
      `aiwg: could not start the language server (${command}). Install aiwg-lsp on PATH or set ` +
        '"aiwg.server.path" in your user settings.',
    );
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      output.appendLine(`Stopping the server failed: ${String(err)}`);
    }
  }
}

/**
 * The user's own settings the server understands, sent as `initializationOptions`: user-level
 * values only (`inspect().globalValue`), because the server trusts what arrives here. Workspace
 * values reach it through `workspace/configuration` (`synchronize.configurationSection`), which
 * the server applies on top but does not trust.
 */
function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
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
    // VS Code pulls diagnostics (textDocument/diagnostic); asking for pull makes the server stop
    // pushing, so each diagnostic shows once.
    pullDiagnostics: true,
  };
}

/**
 * Picks the server executable: `$AIWG_LSP_PATH`, then the user's `aiwg.server.path`, then a
 * copy bundled in the extension's `server/` folder, then plain `aiwg-lsp` looked up on PATH.
 */
function findServer(context: vscode.ExtensionContext): string {
  const fromEnv = process.env.AIWG_LSP_PATH?.trim();
  if (fromEnv) {
    return expandHome(fromEnv);
  }

  // SECURITY: the server path comes from the user's global settings only. A workspace (or
  // workspace-folder) value is deliberately ignored: opening a folder must never make the
  // editor run a program that the user did not configure themselves. `inspect` lets us read
  // the global layer alone instead of the merged value that `get` would return.
  const fromUser = vscode.workspace
    .getConfiguration(SECTION)
    .inspect<string>('server.path')
    ?.globalValue?.trim();
  if (fromUser) {
    return expandHome(fromUser);
  }

  const bundled = context.asAbsolutePath(path.join('server', EXE));
  if (isExecutable(bundled)) {
    return bundled;
  }

  return searchPath(EXE) ?? EXE;
}

function expandHome(p: string): string {
  if (p === '~') {
    return os.homedir();
  }
  if (p.startsWith('~/') || p.startsWith('~\\')) {
    return path.join(os.homedir(), p.slice(2));
  }
  return p;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on PATH, so the log shows which binary runs; undefined when absent. */
function searchPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
