-- aiwg-lsp for Neovim.
--
-- Drop this file into ~/.config/nvim/plugin/ (or `require` it from init.lua). On Neovim 0.11+
-- it registers the server with vim.lsp.config/vim.lsp.enable; on 0.10 it starts the server
-- itself from a FileType autocmd. Adjust `settings` below; the same table is sent as
-- initializationOptions and answered to workspace/configuration requests.

local settings = {
  -- aiwgRoot = vim.fn.expand('~/.local/share/ai-writing-guide'), -- default: auto-detected
  exclude = {},          -- globs not to index, e.g. { 'dist/**' }
  diagnostics = {},      -- e.g. { ['no-aiwg-root'] = 'off', ['unknown-id'] = 'hint' }
  diagnosticsDelayMs = 100,
  -- Drafting sections: 'builtin' (offline) by default; set a CLI here, in your own config only.
  -- agent = { backend = 'claude' },
  -- agent = { backend = 'command', command = { 'my-agent', '--prompt-file', '{promptFile}' } },
}

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

local cmd = { 'aiwg-lsp' }            -- or an absolute path to the binary
local filetypes = { 'markdown' }
local root_markers = { '.aiwg', '.git' }

if vim.lsp.config and vim.lsp.enable then
  -- Neovim 0.11 and later.
  vim.lsp.config('aiwg', {
    cmd = cmd,
    filetypes = filetypes,
    root_markers = root_markers,
    init_options = { aiwg = settings },
    settings = { aiwg = settings },
  })
  vim.lsp.enable('aiwg')
  return
end

-- Neovim 0.10: no vim.lsp.config yet, so start (or reuse) a client per root by hand.
vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('aiwg_lsp', { clear = true }),
  pattern = filetypes,
  callback = function(args)
    if vim.bo[args.buf].buftype ~= '' then
      return
    end
    local root = vim.fs.root(args.buf, root_markers)
    if not root then
      -- Neither `.aiwg/` nor `.git` above the file: treat its own folder as the workspace.
      root = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf))
    end
    vim.lsp.start({
      name = 'aiwg',
      cmd = cmd,
      root_dir = root,
      init_options = { aiwg = settings },
      settings = { aiwg = settings },
    }, { bufnr = args.buf })
  end,
})
