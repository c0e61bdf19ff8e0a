-- seedls for Neovim: filetype detection for seed files, the language server started for them
-- and for registries and the schema, inlay hints turned on (0.10+), and highlight links for the
-- semantic token types the server uses.
--
--   require('seedls').setup {
--     cmd = { 'seedls' },                 -- the server command (default: `seedls` on PATH)
--     settings = { untaggedAliasHints = true, inlayHints = true },
--   }
--
-- Works on Neovim 0.7 (vim.lsp.start_client) and 0.8+ (vim.lsp.start).

local M = {}

M.defaults = {
  cmd = { 'seedls' },
  -- Server settings (README "Language server"); sent as the `seedls` section.
  settings = {},
  -- The workspace root: the nearest folder, going up from the file, that holds a corpus file
  -- (as `seedls check` finds it), else the nearest holding `.git`. Entries are tried in turn;
  -- the names of one nested list count alike (a flat list of names is one such list).
  root_markers = { { '.seedls.json', 'entities.tsv', '*.entities.tsv', 'schema.tsv' }, '.git' },
  filetypes = { 'seed' },
  on_attach = nil,
  on_init = nil,
  capabilities = nil,
  -- Set to false to keep your own highlight links only.
  highlights = true,
  -- Let Neovim pull diagnostics (textDocument/diagnostic) instead of the server pushing them.
  pull_diagnostics = false,
}

M.config = vim.deepcopy(M.defaults)

local uv = vim.uv or vim.loop

-- Line 1 of a seed file: an optional space, `date`, a YYYY-MM or YYYY-MM-DD date, then a URL,
-- body text (the legacy form) or nothing.
function M.is_header(line)
  if type(line) ~= 'string' then
    return false
  end
  local rest = line:match('^ ?date %d%d%d%d%-%d%d(.*)$')
  if rest == nil then
    return false
  end
  rest = rest:gsub('^%-%d%d', '', 1)
  return rest == '' or rest:sub(1, 1) == ' ' or rest:sub(1, 1) == '\r'
end

-- Whether line 1 merely starts like a header (`date`, `Date:`, ` date 2022/01 …`): such a file
-- is a seed file, so that a malformed header is diagnosed instead of ignored.
function M.looks_like_header(line)
  if type(line) ~= 'string' then
    return false
  end
  local after = line:match('^%s*[Dd]ate(.?)')
  return after ~= nil and (after == '' or after:match('[%w_]') == nil)
end

-- Whether a path is a `*.txt` directly under a folder named `seeds`.
function M.in_seeds_folder(path)
  path = (path or ''):gsub('\\', '/')
  return path:match('/seeds/[^/]+%.txt$') ~= nil or path:match('^seeds/[^/]+%.txt$') ~= nil
end

-- The files that make a folder (and every folder below it) a corpus: its settings, a registry
-- (`entities.tsv`, `*.entities.tsv`) or a schema. `*` stands for any run of characters.
M.corpus_markers = { '.seedls.json', 'entities.tsv', '*.entities.tsv', 'schema.tsv' }

local function dirname(path)
  local dir = path:match('^(.*)/[^/]*$')
  if dir == nil or dir == '' then
    return '/'
  end
  return dir
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

-- A marker with `*` as a Lua pattern anchored on the whole name, or nil for a plain name.
local function marker_pattern(marker)
  if not marker:find('*', 1, true) then
    return nil
  end
  return '^' .. marker:gsub('[%^%$%(%)%%%.%[%]%+%-%?]', '%%%0'):gsub('%*', '.*') .. '$'
end

-- Splits markers into plain names (found by stat) and `*` patterns (found by listing a folder).
local function split_markers(markers)
  local names, patterns = {}, {}
  for _, marker in ipairs(markers) do
    local pattern = marker_pattern(marker)
    if pattern then
      table.insert(patterns, pattern)
    else
      table.insert(names, marker)
    end
  end
  return names, patterns
end

local function holds_name(dir, names)
  for _, name in ipairs(names) do
    if exists(dir .. '/' .. name) then
      return true
    end
  end
  return false
end

-- What listing a folder found, by folder and patterns, with the folder's modification time: a
-- folder of 100,000 articles takes a good part of a second to list, and its time changes when
-- a file is added, removed or renamed in it.
local listed = {}

local function holds_pattern(dir, patterns)
  local stat = uv.fs_stat(dir)
  if stat == nil then
    return false
  end
  local key = dir .. '\0' .. table.concat(patterns, '\0')
  local seen = listed[key]
  if seen and seen.sec == stat.mtime.sec and seen.nsec == stat.mtime.nsec then
    return seen.found
  end
  local found = false
  local handle = uv.fs_scandir(dir)
  while handle and not found do
    local name = uv.fs_scandir_next(handle)
    if name == nil then
      break
    end
    for _, pattern in ipairs(patterns) do
      if name:match(pattern) then
        found = true
        break
      end
    end
  end
  listed[key] = { sec = stat.mtime.sec, nsec = stat.mtime.nsec, found = found }
  return found
end

-- The nearest folder at or above `dir` holding one of `markers`, or nil; with `any`, whichever
-- is found first. Plain names are looked for first, all the way up: folders are listed (for `*`
-- patterns) only below the nearest plain hit, and not at all for `any` once there is one.
local function nearest(dir, markers, any)
  local names, patterns = split_markers(markers)
  local chain = {}
  local found
  local d = dir
  while true do
    if holds_name(d, names) then
      found = d
      break
    end
    table.insert(chain, d)
    local parent = dirname(d)
    if parent == d then
      break
    end
    d = parent
  end
  if #patterns > 0 and not (any and found) then
    for _, below in ipairs(chain) do
      if holds_pattern(below, patterns) then
        return below
      end
    end
  end
  return found
end

local function folder_of(path)
  return dirname(vim.fn.fnamemodify(path, ':p'))
end

-- The corpus a file belongs to: the nearest folder at or above it holding `.seedls.json`, a
-- registry or a schema, or nil.
function M.corpus_root(path)
  if path == nil or path == '' then
    return nil
  end
  return nearest(folder_of(path), M.corpus_markers)
end

-- Whether a file is in or below a corpus folder (`corpus_root`, without looking for the nearest).
function M.in_corpus(path)
  return path ~= nil and path ~= '' and nearest(folder_of(path), M.corpus_markers, true) ~= nil
end

local function first_line(bufnr)
  local ok, lines = pcall(vim.api.nvim_buf_get_lines, bufnr, 0, 1, false)
  return ok and lines[1] or nil
end

-- The filetype of a `*.txt` buffer: 'seed' or nil. A seed file (SPEC "Editors"): line 1 starts
-- like a header, or the file is in a `seeds` folder, or in or below a corpus folder.
function M.detect(path, bufnr)
  if M.in_seeds_folder(path) or M.looks_like_header(first_line(bufnr or 0)) or M.in_corpus(path) then
    return 'seed'
  end
  return nil
end

-- Registries (`entities.tsv`, `*.entities.tsv`) and the schema: files the server reads as part
-- of the corpus, whatever their filetype (autocommand patterns).
M.corpus_tables = { 'entities.tsv', '*.entities.tsv', 'schema.tsv' }

-- Whether a path names a registry or the schema.
function M.is_corpus_table(path)
  local name = (path or ''):gsub('\\', '/'):match('[^/]*$')
  return name == 'entities.tsv' or name == 'schema.tsv' or name:match('%.entities%.tsv$') ~= nil
end

local detection_registered = false

-- Filetype detection: vim.filetype.add on 0.8+, autocommands on 0.7. Idempotent; called by
-- ftdetect/seed.lua and by setup().
function M.register_filetype()
  if detection_registered then
    return
  end
  detection_registered = true
  if vim.fn.has('nvim-0.8') == 1 then
    vim.filetype.add({
      pattern = {
        ['.*%.txt'] = {
          function(path, bufnr)
            return M.detect(path, bufnr)
          end,
          { priority = 10 },
        },
      },
    })
  else
    local group = vim.api.nvim_create_augroup('seedls_ftdetect', { clear = true })
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = group,
      pattern = '*.txt',
      callback = function(args)
        if M.detect(vim.api.nvim_buf_get_name(args.buf), args.buf) then
          vim.api.nvim_buf_set_option(args.buf, 'filetype', 'seed')
        end
      end,
    })
  end
end

-- Highlight groups of the plugin, each linked to a standard group (override any of them in
-- your colour scheme or after setup()).
M.groups = {
  SeedlsPerson = 'Type',
  SeedlsGroup = 'Identifier',
  SeedlsOrg = 'Constant',
  SeedlsGov = 'Statement',
  SeedlsPlace = 'String',
  SeedlsEvent = 'Function',
  SeedlsMarkup = 'Comment',
  SeedlsId = 'Special',
  SeedlsRole = 'PreProc',
  SeedlsDate = 'Number',
  SeedlsUrl = 'Underlined',
}

-- The server's semantic token types (standard LSP types; the default schema's mapping) and the
-- plugin group each one shows as in seed files. A custom schema.tsv may use other standard types:
-- those keep Neovim's own @lsp.type.* defaults.
M.token_groups = {
  class = 'SeedlsPerson',
  parameter = 'SeedlsGroup',
  enumMember = 'SeedlsOrg',
  type = 'SeedlsGov',
  string = 'SeedlsPlace',
  ['function'] = 'SeedlsEvent',
  comment = 'SeedlsMarkup',
  variable = 'SeedlsId',
  property = 'SeedlsRole',
  number = 'SeedlsDate',
  macro = 'SeedlsUrl',
}

local function link(from, to)
  if vim.api.nvim_set_hl then
    vim.api.nvim_set_hl(0, from, { link = to, default = true })
  else
    vim.cmd(('highlight default link %s %s'):format(from, to))
  end
end

function M.define_highlights()
  for group, target in pairs(M.groups) do
    link(group, target)
  end
  if vim.fn.has('nvim-0.9') == 1 then
    for token, group in pairs(M.token_groups) do
      -- The per-language group of a semantic token type.
      link(('@lsp.type.%s.seed'):format(token), group)
    end
  end
end

-- The workspace root for a file: for each entry of `markers` in turn (a name, a `*` pattern,
-- or a list of them that count alike), the nearest folder at or above the file holding it;
-- else the file's folder. A flat list of names counts as one entry.
function M.find_root(path, markers)
  markers = markers or M.config.root_markers
  local flat = true
  for _, m in ipairs(markers) do
    flat = flat and type(m) == 'string'
  end
  local groups = flat and { markers } or markers
  local start = folder_of(path)
  for _, group in ipairs(groups) do
    local root = nearest(start, type(group) == 'string' and { group } or group)
    if root then
      return root
    end
  end
  return start
end

local function inlay_hints_wanted(bufnr)
  local hints = vim.lsp.inlay_hint
  return (M.config.settings or {}).inlayHints ~= false
    and vim.fn.has('nvim-0.10') == 1
    and type(hints) == 'table'
    and type(hints.enable) == 'function'
    -- Registries and the schema have none.
    and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype)
end

-- Shows the server's inlay hints (the canonical name after a surface that differs from it) in a
-- seed buffer, unless `settings.inlayHints` is false: Neovim 0.10+ draws them only when asked
-- to, buffer by buffer. Neovim 0.9 and older have no inlay hints.
function M.enable_inlay_hints(bufnr)
  if not inlay_hints_wanted(bufnr) then
    return false
  end
  vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  return true
end

-- Whether hints are on in a buffer (the user may have turned them off since).
local function inlay_hints_on(bufnr)
  local ok, on = pcall(vim.lsp.inlay_hint.is_enabled, { bufnr = bufnr })
  return ok and on == true
end

-- Buffers whose hints the server asked to refresh while no window showed them. Neovim (0.10,
-- 0.11) refreshes only the buffers on screen and asks again only on an edit, so a buffer hidden
-- at that moment would keep the hints of before the change (settings changed), or none when it
-- was opened while the workspace was being indexed: it is asked again once shown.
local stale_hints = {}

local function on_inlay_hint_refresh(err, result, ctx)
  for _, bufnr in ipairs(vim.lsp.get_buffers_by_client_id(ctx.client_id)) do
    if #vim.fn.win_findbuf(bufnr) == 0 and inlay_hints_on(bufnr) then
      stale_hints[bufnr] = true
    end
  end
  local default = vim.lsp.handlers['workspace/inlayHint/refresh']
  if default then
    return default(err, result, ctx)
  end
  return vim.NIL
end

local function on_buf_win_enter(args)
  if stale_hints[args.buf] then
    stale_hints[args.buf] = nil
    if inlay_hints_on(args.buf) then
      M.enable_inlay_hints(args.buf) -- enabling again asks again
    end
  end
end

local function client_config(root)
  local cfg = M.config
  local settings = vim.deepcopy(cfg.settings or {})
  local config = {
    name = 'seedls',
    cmd = cfg.cmd,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') },
    },
    -- Answered to workspace/configuration for the `seedls` section.
    settings = { seedls = settings },
    init_options = { seedls = settings },
    on_attach = function(client, bufnr)
      M.enable_inlay_hints(bufnr)
      if cfg.on_attach then
        return cfg.on_attach(client, bufnr)
      end
    end,
    on_init = cfg.on_init,
  }
  local capabilities = vim.deepcopy(cfg.capabilities or vim.lsp.protocol.make_client_capabilities())
  if not cfg.pull_diagnostics and capabilities.textDocument then
    -- Neovim 0.10/0.11 offer pull diagnostics but pull only on didOpen/didChange, only for a
    -- buffer shown in a window at that moment, and ignore workspace/diagnostic/refresh: a file
    -- opened in the background shows nothing until edited. Without the offer the server pushes
    -- diagnostics for every open buffer, kept current.
    -- (vim.NIL: Neovim merges these capabilities into its defaults, so nil would not remove
    -- the offer.) And Neovim must not pull on edits either, or each diagnostic shows twice.
    capabilities.textDocument.diagnostic = vim.NIL
    config.on_init = function(client, result)
      if client.server_capabilities then
        client.server_capabilities.diagnosticProvider = nil
      end
      if cfg.on_init then
        return cfg.on_init(client, result)
      end
    end
  end
  config.capabilities = capabilities
  if vim.fn.has('nvim-0.10') == 1 then
    config.handlers = { ['workspace/inlayHint/refresh'] = on_inlay_hint_refresh }
  end
  return config
end

-- 0.7: one client per root, kept here.
local clients_by_root = {}

-- Starts (or reuses) the client for a buffer's workspace and attaches the buffer. Returns the
-- client id.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil
  end
  local root = M.find_root(name)
  if vim.lsp.start then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or client.is_stopped() then
    id = vim.lsp.start_client(client_config(root))
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- Configures the plugin: filetype detection, highlight links, and the server started for every
-- buffer of a seed filetype and every registry and schema buffer (those already open included).
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  for _, key in ipairs({ 'cmd', 'root_markers', 'filetypes' }) do
    if opts and opts[key] then
      M.config[key] = opts[key] -- a list: replaced, not merged index by index
    end
  end
  if type(M.config.cmd) == 'string' then
    M.config.cmd = { M.config.cmd }
  end
  M.register_filetype()
  if M.config.highlights then
    M.define_highlights()
  end
  local group = vim.api.nvim_create_augroup('seedls', { clear = true })
  if M.config.highlights then
    vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = M.define_highlights })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.start(args.buf)
    end,
  })
  vim.api.nvim_create_autocmd('BufWinEnter', { group = group, callback = on_buf_win_enter })
  -- Registries and the schema, whatever their filetype (other `*.tsv` files are left alone):
  -- the server serves hovers and code lenses on their rows, and sees their unsaved edits (an
  -- id added by a code action) only through the open document.
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = M.corpus_tables,
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if
      vim.api.nvim_buf_is_loaded(buf)
      and (
        vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype)
        or M.is_corpus_table(vim.api.nvim_buf_get_name(buf))
      )
    then
      M.start(buf)
    end
  end
end

return M
