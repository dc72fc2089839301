#!/usr/bin/env bash
# Tests the documented Neovim setup in a real, headless Neovim: `aiwg.lua` is installed as the
# README says (copied to the config's plugin/ folder), a demo ADR is opened, and the test
# asserts diagnostics, hover, definition and completion, that a `*.prov.yaml` record attaches
# and gets its diagnostic, and that the LSP log holds no settings warning and no Lua error. On
# Neovim 0.7, which the setup does not support, it asserts the setup says so instead of failing.
#
#   editors/neovim/test.sh                          # nvim on PATH, target/release/aiwg-lsp
#   NVIM=/path/to/nvim AIWG_LSP=/path/to/aiwg-lsp editors/neovim/test.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
nvim="${NVIM:-nvim}"
server="${AIWG_LSP:-$repo/target/release/aiwg-lsp}"
command -v "$nvim" >/dev/null || { echo "FAIL: no Neovim at '$nvim'" >&2; exit 1; }
[[ -x "$server" ]] || { echo "FAIL: no server binary at $server" >&2; exit 1; }
server="$(cd "$(dirname "$server")" && pwd)/$(basename "$server")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Neovim away from the user's config, shada, logs and plugins; the documented install step.
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
mkdir -p "$XDG_CONFIG_HOME/nvim/plugin" "$tmp/bin"
cp "$here/aiwg.lua" "$XDG_CONFIG_HOME/nvim/plugin/aiwg.lua"
ln -s "$server" "$tmp/bin/aiwg-lsp"
export PATH="$tmp/bin:$PATH"
export AIWG_ROOT="$repo/examples/aiwg-root" AIWG_LSP_LOG=warn
export AIWG_TEST_DEMO="$repo/examples/demo"

cat >"$tmp/test.lua" <<'LUA'
local demo = vim.env.AIWG_TEST_DEMO
local failures = {}
local function out(s) io.stdout:write(s .. '\n') end
local function check(ok, what) if not ok then table.insert(failures, what) end out((ok and 'ok   ' or 'FAIL ') .. what) end
local v = vim.version()
out(string.format('nvim %d.%d.%d', v.major, v.minor, v.patch))

local function finish()
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do c.stop() end
  io.stdout:flush()
  vim.cmd((#failures == 0) and 'qall!' or 'cquit 1')
end

local function run()
if not vim.lsp.start then
  check(vim.tbl_contains(_G.aiwg_notes, 'aiwg-lsp: this setup needs Neovim 0.8 or later'), 'Neovim 0.7 is told it is not supported')
  vim.cmd('edit ' .. vim.fn.fnameescape(demo .. '/README.md'))
  check(#vim.lsp.get_active_clients() == 0, 'and no client starts')
  return finish()
end

local function attached(buf)
  return #(vim.lsp.get_clients or vim.lsp.get_active_clients)({ bufnr = buf }) > 0
end
local function request(buf, method, params)
  local answers = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, answer in pairs(answers) do if answer.result then return answer.result end end
end
local function position_of(buf, needle, into)
  for line, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = text:find(needle, 1, true)
    if col then return { line = line - 1, character = col - 1 + into } end
  end
end

vim.cmd('edit ' .. vim.fn.fnameescape(demo .. '/.aiwg/architecture/decisions/ADR-002-jwt-access-tokens.md'))
local adr = vim.api.nvim_get_current_buf()
vim.wait(20000, function() return attached(adr) end, 50)
check(attached(adr), 'the server attaches to a markdown file')
local function diagnostic(buf, code, text)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if c == code and (text == nil or tostring(d.message):find(text, 1, true)) then return d end
  end
end
vim.wait(20000, function() return diagnostic(adr, 'broken-reference', 'token-rotation-runbook') ~= nil end, 100)
check(diagnostic(adr, 'broken-reference', 'token-rotation-runbook') ~= nil, 'diagnostics: the broken runbook reference')

local uri = vim.uri_from_bufnr(adr)
local at = position_of(adr, '@.aiwg/architecture/software-architecture-doc.md', 3)
local hover = request(adr, 'textDocument/hover', { textDocument = { uri = uri }, position = at })
local hover_text = hover and hover.contents and (hover.contents.value or '') or ''
check(hover_text:find('Software Architecture', 1, true) ~= nil, 'hover previews the referenced document')
local definition = request(adr, 'textDocument/definition', { textDocument = { uri = uri }, position = at })
local target = definition and (definition[1] or definition)
local target_uri = target and (target.targetUri or target.uri) or ''
check(target_uri:find('software%-architecture%-doc%.md$') ~= nil, 'definition lands on the document')
local after_at = position_of(adr, '@.aiwg/architecture/software-architecture-doc.md', 8)
local completion = request(adr, 'textDocument/completion', { textDocument = { uri = uri }, position = after_at })
local items = completion and (completion.items or completion) or {}
check(#items > 0, 'completion after @ offers paths (' .. #items .. ' items)')

if vim.lsp.semantic_tokens then -- 0.9+
  local broken = position_of(adr, '@.aiwg/security/token-rotation-runbook.md', 2)
  local token
  vim.wait(10000, function()
    for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(adr, broken.line, broken.character) or {}) do
      if t.type == 'namespace' then token = t end
    end
    return token ~= nil
  end, 100)
  check(token ~= nil and token.modifiers.broken == true, 'semantic tokens: the broken reference is a broken namespace token')
end
local folds = request(adr, 'textDocument/foldingRange', { textDocument = { uri = uri } }) or {}
check(#folds > 3, 'folding ranges (' .. #folds .. ')')
vim.wait(10000, function() return #vim.lsp.codelens.get(adr) > 0 end, 100)
local lenses = vim.lsp.codelens.get(adr)
check(#lenses > 0 and lenses[1].command and lenses[1].command.title:find('Accepted', 1, true) ~= nil,
  'the code lens above the title shows the status (' .. (lenses[1] and lenses[1].command and lenses[1].command.title or 'none') .. ')')
if vim.lsp.foldexpr then
  check(vim.wo.foldmethod == 'expr', 'the setup folds by the server on 0.11+')
end

vim.cmd('edit ' .. vim.fn.fnameescape(demo .. '/.aiwg/architecture/software-architecture-doc.md'))
local sad = vim.api.nvim_get_current_buf()
vim.wait(20000, function() return attached(sad) end, 50)
if vim.lsp.inlay_hint and vim.lsp.inlay_hint.is_enabled then -- 0.10+
  local ok, enabled = pcall(vim.lsp.inlay_hint.is_enabled, { bufnr = sad })
  check(ok and enabled, 'the setup turns inlay hints on')
end
local hints = request(sad, 'textDocument/inlayHint', { textDocument = { uri = vim.uri_from_bufnr(sad) },
  range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(sad), character = 0 } } }) or {}
check(#hints > 0, 'inlay hints after ADR mentions (' .. #hints .. ')')

vim.cmd('edit ' .. vim.fn.fnameescape(demo .. '/.aiwg/research/provenance/records/uc-001-create-task.prov.yaml'))
local record = vim.api.nvim_get_current_buf()
vim.wait(20000, function() return diagnostic(record, 'stale-provenance') ~= nil end, 100)
check(attached(record), 'the server attaches to a *.prov.yaml record')
check(diagnostic(record, 'stale-provenance') ~= nil, 'the stale record is reported')
vim.cmd('edit ' .. vim.fn.fnameescape(demo .. '/.aiwg/config.yaml'))
check(not attached(vim.api.nvim_get_current_buf()), 'other YAML files are left alone')

local log_path = vim.lsp.get_log_path()
local log = vim.fn.filereadable(log_path) == 1 and table.concat(vim.fn.readfile(log_path), '\n') or ''

check(not log:find('ignoring', 1, true), 'the server ignored no setting')
check(not log:find('stack traceback', 1, true) and not log:find('Error executing', 1, true), 'no Lua error in the LSP log')
finish()
end

local ok, err = pcall(run)
if not ok then
  check(false, 'the test ran without a Lua error: ' .. tostring(err))
  finish()
end
LUA

status=0
timeout 120 "$nvim" --headless -n -i NONE \
  --cmd 'lua _G.aiwg_notes = {}; vim.notify = function(msg) table.insert(_G.aiwg_notes, msg) end' \
  -c "luafile $tmp/test.lua" || status=$?
if [[ $status -ne 0 ]]; then
  echo "FAIL: the Neovim test failed (exit $status)" >&2
  for log in "$XDG_STATE_HOME/nvim/lsp.log" "$XDG_CACHE_HOME/nvim/lsp.log"; do
    [[ -s "$log" ]] && { echo "--- last lines of $log:" >&2; tail -n 20 "$log" >&2; }
  done
fi
exit "$status"
