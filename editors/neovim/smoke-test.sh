#!/usr/bin/env bash
# Smoke test: headless Neovim + aiwg-lsp on examples/demo.
#
# Opens ADR-002 of the demo workspace and waits (bounded) for the server's `broken-reference`
# diagnostic on `token-rotation-runbook`. Installs nothing: without `nvim` it skips (exit 0).
#
#   editors/neovim/smoke-test.sh              # uses target/release/aiwg-lsp
#   AIWG_LSP=/path/to/aiwg-lsp editors/neovim/smoke-test.sh
#   AIWG_SMOKE_TIMEOUT=40 editors/neovim/smoke-test.sh   # seconds to wait for diagnostics
#
# On Neovim 0.10+ it loads editors/neovim/aiwg.lua itself (the server is put on PATH as
# `aiwg-lsp`); on older versions (Debian 12 ships 0.7) it starts the client directly, with
# vim.lsp.start when present, else vim.lsp.start_client + vim.lsp.buf_attach_client.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
timeout_s="${AIWG_SMOKE_TIMEOUT:-20}"

if ! command -v nvim >/dev/null 2>&1; then
  echo "SKIP: nvim is not installed; nothing to test."
  exit 0
fi

server="${AIWG_LSP:-$repo/target/release/aiwg-lsp}"
if [[ ! -x "$server" ]]; then
  echo "FAIL: no server binary at $server (run 'cargo build --release' or set AIWG_LSP)." >&2
  exit 1
fi
server="$(cd "$(dirname "$server")" && pwd)/$(basename "$server")"

demo="$repo/examples/demo"
file="$demo/.aiwg/architecture/decisions/ADR-002-jwt-access-tokens.md"
if [[ ! -f "$file" ]]; then
  echo "FAIL: missing $file" >&2
  exit 1
fi

# Keep Neovim away from the user's config, shada, logs and plugins.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
mkdir -p "$tmp/bin"
ln -s "$server" "$tmp/bin/aiwg-lsp"
export PATH="$tmp/bin:$PATH"
export AIWG_ROOT="$repo/examples/aiwg-root"
export AIWG_LSP_LOG="${AIWG_LSP_LOG:-info}"
export AIWG_SMOKE_SERVER="$server" AIWG_SMOKE_DEMO="$demo" AIWG_SMOKE_FILE="$file"
export AIWG_SMOKE_PLUGIN="$here/aiwg.lua" AIWG_SMOKE_TIMEOUT="$timeout_s"

cat >"$tmp/smoke.lua" <<'LUA'
local env = vim.env
local out = function(s) io.stdout:write(s .. '\n') end

local function clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get()
end

local function finish(code)
  for _, c in ipairs(clients()) do
    c.stop()
  end
  vim.wait(3000, function() return #clients() == 0 end, 50)
  io.stdout:flush()
  if not pcall(vim.cmd, 'cquit ' .. code) then
    os.exit(code)
  end
end

local function run()
  out('nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch)
    .. ', server ' .. env.AIWG_SMOKE_SERVER)

  local exited, initialized
  local modern = vim.lsp.start ~= nil and vim.fs ~= nil and vim.fs.root ~= nil
  if modern then
    -- Exercise the shipped plugin file; it starts `aiwg-lsp` from PATH on FileType.
    out('mode: editors/neovim/aiwg.lua (' .. (vim.lsp.config and 'vim.lsp.config/enable' or 'vim.lsp.start fallback') .. ')')
    vim.cmd('filetype on')
    vim.cmd('luafile ' .. vim.fn.fnameescape(env.AIWG_SMOKE_PLUGIN))
    vim.cmd('edit ' .. vim.fn.fnameescape(env.AIWG_SMOKE_FILE))
  else
    vim.cmd('edit ' .. vim.fn.fnameescape(env.AIWG_SMOKE_FILE))
    vim.bo.filetype = 'markdown'
    local settings = { aiwgRoot = env.AIWG_ROOT }
    local config = {
      name = 'aiwg',
      cmd = { env.AIWG_SMOKE_SERVER },
      root_dir = env.AIWG_SMOKE_DEMO,
      init_options = { aiwg = settings },
      settings = { aiwg = settings },
      on_init = function() initialized = true end,
      on_exit = function(code, signal) exited = { code, signal } end,
    }
    if vim.lsp.start then
      out('mode: vim.lsp.start')
      vim.lsp.start(config)
    else
      out('mode: vim.lsp.start_client + vim.lsp.buf_attach_client')
      local id = vim.lsp.start_client(config)
      if not id then
        out('FAIL: vim.lsp.start_client could not start ' .. env.AIWG_SMOKE_SERVER)
        return 1
      end
      vim.lsp.buf_attach_client(0, id)
    end
  end

  local buf = vim.api.nvim_get_current_buf()
  local function wanted()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'broken-reference' and tostring(d.message):find('token-rotation-runbook', 1, true) then
        return d
      end
    end
  end

  local timeout_ms = tonumber(env.AIWG_SMOKE_TIMEOUT) * 1000
  local started = vim.loop.hrtime()
  vim.wait(timeout_ms, function() return wanted() ~= nil or exited ~= nil end, 100)
  local found = wanted()
  local elapsed = math.floor((vim.loop.hrtime() - started) / 1e6)

  if found then
    out(string.format('PASS: broken-reference at line %d after %d ms: %s', found.lnum + 1, elapsed, found.message))
    return 0
  end
  if exited then
    out(string.format('FAIL: the server exited (code %s, signal %s) before publishing diagnostics', tostring(exited[1]), tostring(exited[2])))
  elseif not modern and not initialized then
    out(string.format('FAIL: the server did not answer initialize within %d s', timeout_ms / 1000))
  elseif #clients() == 0 then
    out('FAIL: no LSP client attached to ' .. env.AIWG_SMOKE_FILE)
  else
    out(string.format('FAIL: no broken-reference diagnostic for token-rotation-runbook within %d s', timeout_ms / 1000))
  end
  local seen = vim.diagnostic.get(buf)
  out(string.format('diagnostics seen on the buffer: %d', #seen))
  for _, d in ipairs(seen) do
    out(string.format('  line %d [%s] %s', d.lnum + 1, tostring(d.code), d.message))
  end
  return 1
end

local ok, result = pcall(run)
if not ok then
  out('FAIL: Lua error: ' .. tostring(result))
  result = 1
end
finish(result)
LUA

# The outer timeout is only a backstop in case Neovim itself hangs.
status=0
if command -v timeout >/dev/null 2>&1; then
  timeout "$((timeout_s + 30))" nvim --headless --clean -n -i NONE -c "luafile $tmp/smoke.lua" || status=$?
else
  nvim --headless --clean -n -i NONE -c "luafile $tmp/smoke.lua" || status=$?
fi
if [[ $status -eq 124 ]]; then
  echo "FAIL: Neovim did not exit within $((timeout_s + 30)) s" >&2
elif [[ $status -ne 0 ]]; then
  echo "FAIL: Neovim smoke test failed (exit $status)" >&2
fi
if [[ $status -ne 0 ]]; then
  # The server's stderr ends up in Neovim's LSP log (cache dir before 0.8, state dir after).
  for log in "$XDG_STATE_HOME/nvim/lsp.log" "$XDG_CACHE_HOME/nvim/lsp.log"; do
    if [[ -s "$log" ]]; then
      echo "--- last lines of $log:" >&2
      tail -n 20 "$log" >&2
    fi
  done
fi
exit "$status"
