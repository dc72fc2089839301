// VS Code client for aiwg-lsp: finds the server binary, starts it over stdio, keeps the `aiwg`
// settings in sync with it, shows its state in the status bar, and adds the palette commands.

import * as path from 'path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { EXE, findServer } from './server';
import { serverSettings } from './settings';
import { ServerStatus, StatusItem } from './status';

const SECTION = 'aiwg';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: StatusItem;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('aiwg');
  status = new StatusItem();
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('aiwg.restartServer', async () => {
      output.appendLine('Restarting the aiwg language server.');
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand('aiwg.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('aiwg.createAdr', createAdr),
    vscode.commands.registerCommand('aiwg.draftSectionHere', draftSectionHere),
    vscode.commands.registerCommand('aiwg.showBacklinks', showBacklinks),
    // Run by the code lens above a title or heading: the references list at that position.
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
      // `synchronize.configurationSection`; a new binary needs a restart, and so does turning
      // workspace problems off (what was pulled stays until the client restarts).
      if (event.affectsConfiguration(`${SECTION}.workspaceDiagnostics`)) {
        await vscode.commands.executeCommand('aiwg.restartServer');
      } else if (event.affectsConfiguration(`${SECTION}.server.path`)) {
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
  const config = vscode.workspace.getConfiguration(SECTION);
  // SECURITY: the global (user) layer only; a workspace value must not choose what runs.
  const userPath = config.inspect<string>('server.path')?.globalValue;
  const choice = findServer(process.env, userPath, context.asAbsolutePath(path.join('server', EXE)));
  if (!choice.found) {
    output.appendLine(`No aiwg-lsp server found (tried ${choice.tried.join(', ')}).`);
    status.setStopped(true);
    // One notification, and no client: a client without a server would add its own errors.
    const action = await vscode.window.showErrorMessage(
      'aiwg: no language server found. Install aiwg-lsp on your PATH, or set "aiwg.server.path" ' +
        'in your user settings to the aiwg-lsp executable.',
      'Open User Settings',
      'Show Output',
    );
    if (action === 'Open User Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'aiwg.server.path');
    } else if (action === 'Show Output') {
      output.show(true);
    }
    return;
  }
  output.appendLine(`Using aiwg-lsp at ${choice.command} (from ${choice.source})`);

  const executable: Executable = { command: choice.command, args: ['serve'] };
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
    initializationOptions: () => ({ aiwg: serverSettings(vscode.workspace.getConfiguration(SECTION)) }),
    outputChannel: output,
    middleware: {
      // The Problems panel shows every document's problems only when the user asks for it.
      provideWorkspaceDiagnostics: (resultIds, token, reporter, next) =>
        vscode.workspace.getConfiguration(SECTION).get<boolean>('workspaceDiagnostics', false)
          ? next(resultIds, token, reporter)
          : { items: [] },
    },
  };

  const started = new LanguageClient('aiwg', 'aiwg language server', serverOptions, clientOptions);
  // Ask for `aiwg/status`, the server's state for the status bar.
  started.registerFeature({
    fillClientCapabilities: (capabilities) => {
      capabilities.experimental = { ...(capabilities.experimental ?? {}), aiwgStatus: true };
    },
    initialize: () => undefined,
    getState: () => ({ kind: 'static' }),
    clear: () => undefined,
  });
  started.onDidChangeState((event) => {
    const running = event.newState === State.Running;
    status.setStopped(event.newState === State.Stopped);
    void vscode.commands.executeCommand('setContext', 'aiwg.serverRunning', running);
  });
  client = started;
  try {
    await started.start();
    started.onNotification('aiwg/status', (params: ServerStatus) => status.update(params));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`Could not start ${choice.command}: ${message}`);
    status.setStopped(true);
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

/** Runs one of the server's own commands (`aiwg.newAdr`, `aiwg.draftSection`). */
async function serverCommand(command: string, argument: unknown): Promise<Record<string, unknown> | undefined> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('aiwg: the language server is not running.');
    return undefined;
  }
  try {
    return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`aiwg: ${message}`);
    return undefined;
  }
}

/** aiwg: New ADR — asks for a title; the server numbers, files and opens the record. */
async function createAdr(): Promise<void> {
  const title = await vscode.window.showInputBox({
    title: 'New ADR',
    prompt: 'What is decided? The server picks the number, folder and template.',
    placeHolder: 'Use PostgreSQL for task storage',
    validateInput: (value) => (value.trim() ? undefined : 'A title, please'),
  });
  if (!title?.trim()) {
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const argument: Record<string, string> = { title: title.trim() };
  if (editor) {
    argument.uri = editor.document.uri.toString(); // the folder of the document in front
  }
  const answer = await serverCommand('aiwg.newAdr', argument);
  if (answer?.applied && typeof answer.uri === 'string') {
    await vscode.window.showTextDocument(vscode.Uri.parse(answer.uri));
  }
}

/** aiwg: Draft Section — the drafts the server offers at the cursor, to pick from. */
async function draftSectionHere(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      editor.selection,
      'refactor.rewrite.draft',
    )) ?? [];
  const drafts = actions.filter((a) => a.command?.command === 'aiwg.draftSection' && !a.disabled);
  if (drafts.length === 0) {
    const reason = actions.find((a) => a.disabled)?.disabled?.reason;
    void vscode.window.showInformationMessage(
      reason ? `aiwg: ${reason}` : 'aiwg: no section to draft here (put the cursor on an empty or template-only section).',
    );
    return;
  }
  const picked =
    drafts.length === 1
      ? drafts[0]
      : (await vscode.window.showQuickPick(drafts.map((action) => ({ label: action.title, action }))))?.action;
  if (picked?.command) {
    await serverCommand('aiwg.draftSection', picked.command.arguments?.[0]);
  }
}

/** aiwg: Show Backlinks — every place that points at the document in front. */
async function showBacklinks(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  // On the title, the server's references are the document's backlinks.
  let line = 0;
  for (let i = 0; i < Math.min(editor.document.lineCount, 200); i++) {
    if (/^#\s/.test(editor.document.lineAt(i).text)) {
      line = i;
      break;
    }
  }
  await vscode.commands.executeCommand(
    'editor.action.findReferences',
    editor.document.uri,
    new vscode.Position(line, 0),
  );
}
