// The status bar item: indexing progress from the server's `aiwg/status` notifications, then
// how many documents it indexed and how many problems it reports; a stopped server says so.

import * as vscode from 'vscode';

/** `aiwg/status` parameters (the server's README, "Project-wide problems"). */
export interface ServerStatus {
  state: 'indexing' | 'ready';
  done: number;
  total: number;
  documents: number;
}

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private status: ServerStatus | undefined;
  private stopped = false;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.item = vscode.window.createStatusBarItem('aiwg.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'aiwg';
    this.listener = vscode.languages.onDidChangeDiagnostics(() => this.render());
    this.render();
    this.item.show();
  }

  update(status: ServerStatus): void {
    this.status = status;
    this.stopped = false;
    this.render();
  }

  setStopped(stopped: boolean): void {
    this.stopped = stopped;
    this.render();
  }

  /** The problems aiwg reports across every document VS Code holds diagnostics for. */
  private problems(): number {
    let count = 0;
    for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
      count += diagnostics.filter((d) => d.source === 'aiwg').length;
    }
    return count;
  }

  private render(): void {
    const item = this.item;
    if (this.stopped) {
      item.text = '$(warning) aiwg: stopped';
      item.tooltip = 'The aiwg language server is not running. Click for its output.';
      item.command = 'aiwg.showOutput';
      return;
    }
    const status = this.status;
    if (!status) {
      item.text = '$(sync~spin) aiwg';
      item.tooltip = 'Starting the aiwg language server';
      item.command = 'aiwg.showOutput';
    } else if (status.state === 'indexing') {
      item.text = status.total > 0 ? `$(sync~spin) aiwg: indexing ${status.done}/${status.total}` : '$(sync~spin) aiwg: indexing';
      item.tooltip = 'Indexing the workspace';
      item.command = 'aiwg.showOutput';
    } else {
      const problems = this.problems();
      const documents = status.documents.toLocaleString('en-US');
      item.text = `$(book) aiwg: ${documents} docs · ${problems} problem${problems === 1 ? '' : 's'}`;
      item.tooltip = `${documents} documents indexed; ${problems} problems reported. Click for the Problems panel.`;
      item.command = 'workbench.actions.view.problems';
    }
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}
