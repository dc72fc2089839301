// Which server binary runs: the environment, the user's own setting, the copy bundled in the
// extension, then PATH. Kept apart from `vscode` so the rule reads in one place.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const EXE = process.platform === 'win32' ? 'aiwg-lsp.exe' : 'aiwg-lsp';

/** Where a server was found, or why none was. */
export type ServerChoice =
  | { found: true; command: string; source: 'AIWG_LSP_PATH' | 'aiwg.server.path' | 'bundled' | 'PATH' }
  | { found: false; tried: string[] };

/**
 * The first of: `$AIWG_LSP_PATH`; `aiwg.server.path` from **user** settings (`userPath`: the
 * caller passes the global layer only, never a workspace value, so an opened folder cannot
 * choose a program to run); `server/aiwg-lsp` inside the extension; `aiwg-lsp` on `PATH`.
 * An explicitly named file that is not an executable is reported as not found rather than
 * silently passed over, so the user learns their setting is wrong.
 */
export function findServer(env: NodeJS.ProcessEnv, userPath: string | undefined, bundled: string): ServerChoice {
  const fromEnv = env.AIWG_LSP_PATH?.trim();
  if (fromEnv) {
    const command = expandHome(fromEnv);
    return isExecutable(command) ? { found: true, command, source: 'AIWG_LSP_PATH' } : { found: false, tried: [command] };
  }
  const fromUser = userPath?.trim();
  if (fromUser) {
    const command = expandHome(fromUser);
    return isExecutable(command) ? { found: true, command, source: 'aiwg.server.path' } : { found: false, tried: [command] };
  }
  if (isExecutable(bundled)) {
    return { found: true, command: bundled, source: 'bundled' };
  }
  const onPath = searchPath(EXE, env.PATH ?? '');
  if (onPath) {
    return { found: true, command: onPath, source: 'PATH' };
  }
  return { found: false, tried: [bundled, `${EXE} on PATH`] };
}

export function expandHome(p: string): string {
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

function searchPath(name: string, searchList: string): string | undefined {
  for (const dir of searchList.split(path.delimiter)) {
    if (dir) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
