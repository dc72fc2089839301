#!/usr/bin/env node
// `npm run package`: a platform-specific .vsix holding the stripped aiwg-lsp for the platform
// it is built on (VS Code installs the package matching the user's platform).
//
//   npm run package                       # cargo build --release, strip, vsce package --target <host>
//   AIWG_LSP_BINARY=path npm run package  # bundle a binary already built (and stripped here)
//   VSCE_TARGET=linux-arm64 AIWG_LSP_BINARY=target/aarch64-unknown-linux-gnu/release/aiwg-lsp \
//     STRIP=aarch64-linux-gnu-strip npm run package   # another platform, with its own binary
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const extensionDir = path.resolve(__dirname, '..');
const repoDir = path.resolve(extensionDir, '..', '..');

/** VS Code's name for the platform this runs on (`vsce package --target`). */
function hostTarget() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  if (!arch) {
    fail(`no VS Code target for the ${process.arch} architecture`);
  }
  if (process.platform === 'linux') {
    // musl (Alpine) has no glibc version in the process report.
    const glibc = process.report?.getReport()?.header?.glibcVersionRuntime;
    return `${glibc ? 'linux' : 'alpine'}-${arch}`;
  }
  if (process.platform === 'darwin' || process.platform === 'win32') {
    return `${process.platform}-${arch}`;
  }
  fail(`no VS Code target for the ${process.platform} platform`);
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  console.log(`package: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) {
    fail(`${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    fail(`${command} exited with status ${result.status}`);
  }
}

const target = process.env.VSCE_TARGET || hostTarget();
const windows = target.startsWith('win32-');
const exe = windows ? 'aiwg-lsp.exe' : 'aiwg-lsp';

let binary = process.env.AIWG_LSP_BINARY;
if (binary) {
  binary = path.resolve(process.cwd(), binary);
} else {
  if (process.env.VSCE_TARGET && process.env.VSCE_TARGET !== hostTarget()) {
    fail(`VSCE_TARGET=${target} needs AIWG_LSP_BINARY: a server built for that platform`);
  }
  run('cargo', ['build', '--release', '--locked'], { cwd: repoDir });
  binary = path.join(repoDir, 'target', 'release', exe);
}
if (!fs.existsSync(binary)) {
  fail(`no server binary at ${binary}`);
}

const serverDir = path.join(extensionDir, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(serverDir);
const bundled = path.join(serverDir, exe);
fs.copyFileSync(binary, bundled);
fs.chmodSync(bundled, 0o755);
if (!windows) {
  // Release builds keep debug info for profiling; users need none of it.
  run(process.env.STRIP || 'strip', [bundled]);
}

const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
const out = path.join(extensionDir, `${manifest.name}-${target}-${manifest.version}.vsix`);
const vsce = path.join(extensionDir, 'node_modules', '.bin', windows && process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
run(vsce, ['package', '--target', target, '--out', out], { cwd: extensionDir });
const mb = (fs.statSync(out).size / 1e6).toFixed(1);
const serverMb = (fs.statSync(bundled).size / 1e6).toFixed(1);
console.log(`package: ${path.relative(process.cwd(), out)} (${mb} MB, server ${serverMb} MB, target ${target})`);
