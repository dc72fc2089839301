-- aiwg-lsp for Neovim 0.8 and later.
--
-- Copy this file to ~/.config/nvim/plugin/aiwg.lua (or `dofile` it from init.lua) and edit
-- `settings`. On Neovim 0.11+ it registers the server with vim.lsp.config/vim.lsp.enable; on
-- 0.8 to 0.10 it starts the server itself from a FileType autocmd with vim.lsp.start. Neovim
-- 0.7 has no vim.lsp.start: this file says so once and does nothing.
--
-- The same `settings` table is sent as initializationOptions and answers the server's
-- workspace/configuration requests; it is your own configuration, so the server trusts it.

local settings = {
  -- aiwgRoot = vim.fn.expand('~/.local/share/ai-writing-guide'), -- default: auto-detected
  exclude = {},                   -- globs not to index, e.g. { 'dist/**' }
  -- An empty Lua table is sent as a JSON list: vim.empty_dict() sends an object.
  diagnostics = vim.empty_dict(), -- e.g. { ['no-aiwg-root'] = 'off', ['unknown-id'] = 'hint' }
  diagnosticsDelayMs = 100,
  -- Drafting sections: 'builtin' (offline) by default; set a CLI here, in your own config only.
  -- agent = { backend = 'claude' },
  -- agent = { backend = 'command', command = { 'my-agent', '--prompt-file', '{promptFile}' } },
}

-- What the setup turns on in each buffer the server attaches to (each needs the Neovim version
-- noted; older ones skip it). Semantic highlighting (0.9+) is on whenever the server is.
local features = {
  inlay_hints = true, -- 0.10+: an ADR's title and status after each mention of its ID
  code_lens = true,   -- 0.8+: status and reference counts above titles (run with vim.lsp.codelens.run())
  folding = true,     -- 0.11+: folds from the server (sections, metadata, fences, tables, lists)
}

local cmd = { 'aiwg-lsp' }            -- or an absolute path to the binary
local root_markers = { '.aiwg', '.git' }

-- Markdown, and aiwg's provenance records (`*.prov.yaml`), not every YAML file.
local function wanted(bufnr)
  local filetype = vim.bo[bufnr].filetype
  if filetype == 'markdown' then
    return true
  end
  return filetype == 'yaml' and vim.api.nvim_buf_get_name(bufnr):match('%.prov%.ya?ml$') ~= nil
end

-- Run by the code lens above an ADR's title (enable lenses with vim.lsp.codelens.refresh()):
-- the document's references in the quickfix list.
vim.lsp.commands['aiwg.showReferences'] = function(command, ctx)
  local uri, position = command.arguments[1], command.arguments[2]
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local params = { textDocument = { uri = uri }, position = position, context = { includeDeclaration = false } }
  vim.lsp.buf_request(vim.uri_to_bufnr(uri), 'textDocument/references', params, function(_, result)
    if result and client then
      vim.fn.setqflist({}, ' ', {
        title = 'aiwg references',
        items = vim.lsp.util.locations_to_items(result, client.offset_encoding),
      })
      vim.cmd('copen')
    end
  end)
end

local function on_attach(_, bufnr)
  -- Colours for the server's own token modifiers, unless the colour scheme sets them.
  for group, link in pairs({
    ['@lsp.mod.broken'] = 'DiagnosticError',
    ['@lsp.mod.ambiguous'] = 'DiagnosticWarn',
    ['@lsp.type.typeParameter.markdown'] = 'Todo',
  }) do
    vim.api.nvim_set_hl(0, group, { link = link, default = true })
  end
  if features.inlay_hints and vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable then
    pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
  end
  if features.code_lens and vim.lsp.codelens then
    vim.lsp.codelens.refresh()
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
      group = vim.api.nvim_create_augroup('aiwg_lsp_lens_' .. bufnr, { clear = true }),
      buffer = bufnr,
      callback = function() vim.lsp.codelens.refresh() end,
    })
  end
  if features.folding and vim.lsp.foldexpr then
    local win = vim.fn.bufwinid(bufnr)
    if win ~= -1 then
      vim.wo[win][0].foldmethod = 'expr'
      vim.wo[win][0].foldexpr = 'v:lua.vim.lsp.foldexpr()'
      vim.wo[win][0].foldlevel = 99 -- folds exist, nothing is folded on open
    end
  end
end

if vim.lsp.config and vim.lsp.enable then
  -- Neovim 0.11 and later.
  vim.lsp.config('aiwg', {
    cmd = cmd,
    filetypes = { 'markdown', 'yaml' },
    root_dir = function(bufnr, on_dir)
      if wanted(bufnr) then
        on_dir(vim.fs.root(bufnr, root_markers) or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)))
      end
    end,
    init_options = { aiwg = settings },
    settings = { aiwg = settings },
    on_attach = on_attach,
  })
  vim.lsp.enable('aiwg')
  return
end

if not vim.lsp.start then
  vim.notify('aiwg-lsp: this setup needs Neovim 0.8 or later', vim.log.levels.WARN)
  return
end

-- Neovim 0.8 to 0.10: start (or reuse) a client per root by hand.
local function root_of(bufnr)
  local dir = vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr))
  local marker = vim.fs.find(root_markers, { path = dir, upward = true })[1]
  -- Neither `.aiwg/` nor `.git` above the file: its own folder is the workspace.
  return marker and vim.fs.dirname(marker) or dir
end

vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('aiwg_lsp', { clear = true }),
  pattern = { 'markdown', 'yaml' },
  callback = function(args)
    if vim.bo[args.buf].buftype ~= '' or not wanted(args.buf) then
      return
    end
    vim.lsp.start({
      name = 'aiwg',
      cmd = cmd,
      root_dir = root_of(args.buf),
      init_options = { aiwg = settings },
      settings = { aiwg = settings },
      on_attach = on_attach,
    }, { bufnr = args.buf })
  end,
})
