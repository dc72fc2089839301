// Loads the compiled extension in Node with a stand-in for the `vscode` module and for
// vscode-languageclient's LanguageClient, and checks what the README promises: which server
// runs, the settings it receives (user-level only for the server path and the agent), one
// notification when there is no server, the commands, the status bar and workspace problems.
//
//   npm test        (compiles first; CI runs it from scripts/editor-tests.sh)
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const extensionDir = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));

/** A throwaway executable file, standing in for a server binary. */
function fakeBinary(dir, name = 'aiwg-lsp') {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

/** The stand-in `vscode` module and a record of what the extension did with it. */
function fakeVscode({ user = {}, workspace = {}, answers = {} }) {
  const seen = { errors: [], infos: [], commands: new Map(), executed: [], output: [], statusItems: [], contexts: {} };
  const disposable = { dispose() {} };
  const vscode = {
    StatusBarAlignment: { Left: 1, Right: 2 },
    Position: class {
      constructor(line, character) {
        Object.assign(this, { line, character });
      }
    },
    Uri: { parse: (value) => ({ toString: () => value, value }) },
    window: {
      activeTextEditor: answers.editor,
      createOutputChannel: () => ({ appendLine: (l) => seen.output.push(l), show() {}, dispose() {} }),
      createStatusBarItem: () => {
        const item = { show() {}, dispose() {} };
        seen.statusItems.push(item);
        return item;
      },
      showErrorMessage: async (...args) => {
        seen.errors.push(args);
        return undefined;
      },
      showInformationMessage: async (...args) => {
        seen.infos.push(args);
        return undefined;
      },
      showWarningMessage: async () => undefined,
      showInputBox: async () => answers.input,
      showQuickPick: async (items) => items[0],
      showTextDocument: async (uri) => seen.executed.push(['showTextDocument', uri.toString()]),
    },
    workspace: {
      getConfiguration: () => ({
        inspect: (key) => ({ globalValue: user[key], workspaceValue: workspace[key] }),
        get: (key, fallback) => workspace[key] ?? user[key] ?? fallback,
      }),
      onDidChangeConfiguration: () => disposable,
    },
    languages: {
      onDidChangeDiagnostics: () => disposable,
      getDiagnostics: () => answers.diagnostics ?? [],
    },
    commands: {
      registerCommand: (id, fn) => {
        seen.commands.set(id, fn);
        return disposable;
      },
      executeCommand: async (id, ...args) => {
        if (id === 'setContext') {
          seen.contexts[args[0]] = args[1];
          return undefined;
        }
        seen.executed.push([id, ...args]);
        return answers.commands?.[id];
      },
    },
  };
  return { vscode, seen };
}

/** The stand-in vscode-languageclient: records the client the extension builds. */
function fakeLanguageClient(answers = {}) {
  const clients = [];
  const State = { Stopped: 1, Starting: 3, Running: 2 };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, features: [], handlers: {}, requests: [] });
      clients.push(this);
    }
    registerFeature(feature) {
      this.features.push(feature);
    }
    onDidChangeState(listener) {
      this.stateListener = listener;
    }
    onNotification(method, handler) {
      this.handlers[method] = handler;
    }
    async start() {
      this.stateListener?.({ oldState: State.Starting, newState: State.Running });
    }
    async stop() {
      this.stateListener?.({ oldState: State.Running, newState: State.Stopped });
    }
    isRunning() {
      return true;
    }
    async sendRequest(type, params) {
      this.requests.push([type.method, params]);
      return answers[params.command];
    }
  }
  const module = {
    LanguageClient,
    State,
    ExecuteCommandRequest: { type: { method: 'workspace/executeCommand' } },
  };
  return { module, clients };
}

/** Activates a fresh copy of out/extension.js against the stand-ins. */
async function activate({ vscode, languageclient, env = {}, extensionPath = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-')) }) {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(path.join(extensionDir, 'out'))) {
      delete require.cache[key];
    }
  }
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return languageclient;
    return load.call(this, request, ...rest);
  };
  const saved = { AIWG_LSP_PATH: process.env.AIWG_LSP_PATH, PATH: process.env.PATH };
  try {
    delete process.env.AIWG_LSP_PATH;
    process.env.PATH = env.PATH ?? fs.mkdtempSync(path.join(os.tmpdir(), 'empty-path-'));
    if (env.AIWG_LSP_PATH) process.env.AIWG_LSP_PATH = env.AIWG_LSP_PATH;
    const extension = require(path.join(extensionDir, 'out', 'extension.js'));
    const context = { subscriptions: [], asAbsolutePath: (rel) => path.join(extensionPath, rel) };
    await extension.activate(context);
    return extension;
  } finally {
    Module._load = load;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

test('starts the server from user settings with user-level settings only', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  const userServer = fakeBinary(path.join(tmp, 'user'));
  const workspaceServer = fakeBinary(path.join(tmp, 'workspace'));
  const { vscode, seen } = fakeVscode({
    user: { 'server.path': userServer, 'agent.backend': 'claude', inlayHints: false, aiwgRoot: '/opt/aiwg' },
    workspace: { 'server.path': workspaceServer, 'agent.backend': 'command', 'agent.command': ['rm', '-rf', '/'] },
  });
  const { module, clients } = fakeLanguageClient();
  await activate({ vscode, languageclient: module });

  assert.equal(clients.length, 1);
  const [client] = clients;
  assert.deepEqual(client.serverOptions.run, { command: userServer, args: ['serve'] });
  const options = client.clientOptions.initializationOptions().aiwg;
  assert.equal(options.agent.backend, 'claude', 'the user-level backend');
  assert.equal(options.agent.command, null, 'never the workspace command');
  assert.equal(options.inlayHints, false);
  assert.equal(options.aiwgRoot, '/opt/aiwg');
  assert.equal(options.pullDiagnostics, true, 'VS Code pulls');
  assert.equal(client.clientOptions.synchronize.configurationSection, 'aiwg');
  const selectors = client.clientOptions.documentSelector.map((s) => s.language ?? s.pattern);
  assert.ok(selectors.includes('markdown') && selectors.includes('**/*.prov.yaml'), selectors.join(' '));
  const capabilities = {};
  client.features.forEach((f) => f.fillClientCapabilities(capabilities));
  assert.equal(capabilities.experimental.aiwgStatus, true, 'asks for aiwg/status');
  assert.equal(seen.errors.length, 0);
  assert.equal(seen.contexts['aiwg.serverRunning'], true);
  assert.ok(seen.output.some((line) => line.includes(userServer) && line.includes('aiwg.server.path')), seen.output.join('\n'));
});

test('a server path in workspace settings is ignored, and a missing server is one notification', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  const { vscode, seen } = fakeVscode({ workspace: { 'server.path': fakeBinary(path.join(tmp, 'workspace')) } });
  const { module, clients } = fakeLanguageClient();
  await activate({ vscode, languageclient: module });
  assert.equal(clients.length, 0, 'no client without a server');
  assert.equal(seen.errors.length, 1, 'exactly one notification');
  assert.match(seen.errors[0][0], /no language server found/);
  assert.deepEqual(seen.errors[0].slice(1), ['Open User Settings', 'Show Output']);
  assert.equal(seen.statusItems[0].text, '$(warning) aiwg: stopped');
});

test('AIWG_LSP_PATH, then the bundled server, then PATH', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  const fromEnv = fakeBinary(path.join(tmp, 'env'));
  const extensionPath = path.join(tmp, 'extension');
  const bundled = fakeBinary(path.join(extensionPath, 'server'));
  const onPath = fakeBinary(path.join(tmp, 'bin'));
  const command = async (options) => {
    const { module, clients } = fakeLanguageClient();
    await activate({ vscode: fakeVscode({}).vscode, languageclient: module, ...options });
    return clients[0]?.serverOptions.run.command;
  };
  assert.equal(await command({ env: { AIWG_LSP_PATH: fromEnv, PATH: path.dirname(onPath) }, extensionPath }), fromEnv);
  assert.equal(await command({ env: { PATH: path.dirname(onPath) }, extensionPath }), bundled);
  assert.equal(await command({ env: { PATH: path.dirname(onPath) } }), onPath);
});

test('the status bar shows indexing, then documents and problems', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  const problem = { source: 'aiwg' };
  const { vscode, seen } = fakeVscode({
    user: { 'server.path': fakeBinary(tmp) },
    answers: { diagnostics: [['a.md', [problem, problem, { source: 'markdownlint' }]]] },
  });
  const { module, clients } = fakeLanguageClient();
  await activate({ vscode, languageclient: module });
  const item = seen.statusItems[0];
  const notify = clients[0].handlers['aiwg/status'];
  notify({ state: 'indexing', done: 300, total: 1337, documents: 0 });
  assert.equal(item.text, '$(sync~spin) aiwg: indexing 300/1337');
  notify({ state: 'ready', done: 0, total: 0, documents: 1337 });
  assert.equal(item.text, '$(book) aiwg: 1,337 docs · 2 problems');
  assert.equal(item.command, 'workbench.actions.view.problems');
  await clients[0].stop();
  assert.equal(item.text, '$(warning) aiwg: stopped');
});

test('every palette command is registered, and New ADR asks the server', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  const { vscode, seen } = fakeVscode({ user: { 'server.path': fakeBinary(tmp) }, answers: { input: '  Use NATS  ' } });
  const created = { applied: true, path: '.aiwg/architecture/decisions/ADR-005-use-nats.md', uri: 'file:///p/ADR-005.md' };
  const { module, clients } = fakeLanguageClient({ 'aiwg.newAdr': created });
  await activate({ vscode, languageclient: module });
  for (const { command } of manifest.contributes.commands) {
    assert.ok(seen.commands.has(command), `${command} is registered`);
  }
  // Commands the server executes are the client's to register, under their own names.
  const serverCommands = ['aiwg.newAdr', 'aiwg.draftSection', 'aiwg.fixAll', 'aiwg.reindex'];
  assert.ok(manifest.contributes.commands.every(({ command }) => !serverCommands.includes(command)));
  await seen.commands.get('aiwg.createAdr')();
  assert.deepEqual(clients[0].requests, [['workspace/executeCommand', { command: 'aiwg.newAdr', arguments: [{ title: 'Use NATS' }] }]]);
  assert.deepEqual(seen.executed.at(-1), ['showTextDocument', 'file:///p/ADR-005.md']);
});

test('Draft Section runs the draft the server offers at the cursor', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  const editor = { document: { uri: { toString: () => 'file:///p/adr.md' } }, selection: { start: 4 } };
  const draft = { title: 'Draft “Context” (offline)', command: { command: 'aiwg.draftSection', arguments: [{ uri: 'file:///p/adr.md', section: 'Context', offline: true }] } };
  const { vscode, seen } = fakeVscode({
    user: { 'server.path': fakeBinary(tmp) },
    answers: { editor, commands: { 'vscode.executeCodeActionProvider': [draft] } },
  });
  const { module, clients } = fakeLanguageClient({ 'aiwg.draftSection': { applied: true } });
  await activate({ vscode, languageclient: module });
  await seen.commands.get('aiwg.draftSectionHere')();
  const asked = seen.executed.find(([id]) => id === 'vscode.executeCodeActionProvider');
  assert.equal(asked[3], 'refactor.rewrite.draft', 'only drafting actions');
  assert.deepEqual(clients[0].requests, [
    ['workspace/executeCommand', { command: 'aiwg.draftSection', arguments: [draft.command.arguments[0]] }],
  ]);
});

test('workspace problems are pulled only when aiwg.workspaceDiagnostics is on', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiwg-'));
  for (const on of [false, true]) {
    const { vscode } = fakeVscode({ user: { 'server.path': fakeBinary(tmp) }, workspace: { workspaceDiagnostics: on } });
    const { module, clients } = fakeLanguageClient();
    await activate({ vscode, languageclient: module });
    let pulled = false;
    const answer = clients[0].clientOptions.middleware.provideWorkspaceDiagnostics([], {}, () => {}, () => {
      pulled = true;
      return { items: ['x'] };
    });
    assert.equal(pulled, on);
    assert.deepEqual(answer, on ? { items: ['x'] } : { items: [] });
  }
});
