-- Neovim end to end: the plugin loaded as a user would, the real server, a fixture workspace.
-- Run by tests/editors/run.sh as
--   SEEDLS=<binary> SEEDLS_PLUGIN=<editors/neovim> SEEDLS_WS=<workspace> SEEDLS_OUTSIDE=<folder> \
--     nvim --headless --clean -u nvim_test.lua
-- (SEEDLS_OUTSIDE: tests/editors/outside copied to a folder in no corpus and no git repository.)
-- Exits 0 when every check passed, 1 otherwise (with the failure on stderr).

local plugin = assert(os.getenv('SEEDLS_PLUGIN'), 'SEEDLS_PLUGIN')
local ws = assert(os.getenv('SEEDLS_WS'), 'SEEDLS_WS')
local outside = assert(os.getenv('SEEDLS_OUTSIDE'), 'SEEDLS_OUTSIDE')
local bin = assert(os.getenv('SEEDLS'), 'SEEDLS')

-- As a user would: the plugin folder on the runtimepath (its ftdetect is sourced when filetype
-- detection starts, after this file), then setup().
vim.opt.runtimepath:prepend(plugin)

local version = vim.version()
local label = ('nvim %d.%d.%d'):format(version.major, version.minor, version.patch)
local has = function(v)
  return vim.fn.has('nvim-' .. v) == 1
end

local function log(msg)
  io.stderr:write(label .. ': ' .. msg .. '\n')
end

local function fail(msg)
  error(msg, 2)
end

local function check(cond, msg)
  if not cond then
    error(msg, 2)
  end
end

local function wait(ms, cond, what)
  local ok = vim.wait(ms, cond, 20)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

local function clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf })
  end
  local out = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    table.insert(out, c)
  end
  return out
end

-- Puts the cursor on the first occurrence of `needle` on 1-based `line` (+ `offset` bytes).
local function cursor_on(line, needle, offset)
  local text = vim.api.nvim_buf_get_lines(0, line - 1, line, false)[1] or ''
  local s = text:find(needle, 1, true)
  check(s, ('%q not on line %d: %q'):format(needle, line, text))
  vim.api.nvim_win_set_cursor(0, { line, s - 1 + (offset or 0) })
end

local function floats()
  local out = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      table.insert(out, win)
    end
  end
  return out
end

local function close_floats()
  for _, win in ipairs(floats()) do
    pcall(vim.api.nvim_win_close, win, true)
  end
end

local function diag_code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function edit(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local seed002 = ws .. '/seeds/002_0123456789abcdef.txt'
local intro = ws .. '/notes/intro.txt'
-- Seed files by the rules that do not need a well-formed header: line 1 starts like one (a
-- malformed date, in a folder not named `seeds`), a folder at or above holds a registry (no
-- header at all), and `Date:` on line 1 with no corpus around.
local malformed = ws .. '/articles/malformed.txt'
local draft = ws .. '/notes/draft.txt'
local dated = outside .. '/header.txt'
-- Plain text: no corpus around, an ordinary first line.
local plain = outside .. '/plain.txt'
local seed000 = vim.fn.glob(ws .. '/seeds/000_*.txt')

local function run()
  vim.lsp.set_log_level(os.getenv('SEEDLS_LSP_LOG') or 'warn')
  local seedls = require('seedls')
  seedls.setup({ cmd = { bin }, settings = { untaggedAliasHints = true } })

  -- Highlight links, overridable (default = true).
  if has('0.9') then
    local hl = vim.api.nvim_get_hl(0, { name = '@lsp.type.class.seed' })
    check(hl.link == 'SeedlsPerson', '@lsp.type.class.seed links to ' .. vim.inspect(hl))
    local place = vim.api.nvim_get_hl(0, { name = '@lsp.type.string.seed' })
    check(place.link == 'SeedlsPlace', '@lsp.type.string.seed links to ' .. vim.inspect(place))
  end
  check(vim.fn.hlexists('SeedlsPerson') == 1, 'SeedlsPerson defined')

  -- Filetype detection: by the header on line 1, by the `seeds` folder; plain text is left alone.
  local b002 = edit(seed002)
  check(vim.bo.filetype == 'seed', 'seeds/*.txt filetype: ' .. vim.bo.filetype)

  -- The syntax file: highlighting from the text alone, before any server answer.
  local function syn_at(line, needle, offset)
    local text = vim.api.nvim_buf_get_lines(b002, line - 1, line, false)[1]
    local s = assert(text:find(needle, 1, true), needle)
    return vim.fn.synIDattr(vim.fn.synID(line, s + (offset or 0), 1), 'name')
  end
  check(syn_at(1, '2022-02') == 'seedHeaderDate', 'syntax of the header date: ' .. syn_at(1, '2022-02'))
  check(syn_at(1, 'https') == 'seedUrl', 'syntax of the URL: ' .. syn_at(1, 'https'))
  check(syn_at(5, 'person:kz') == 'seedType', 'syntax of a type: ' .. syn_at(5, 'person:kz'))
  check(syn_at(5, 'kz.tokayev') == 'seedId', 'syntax of an id: ' .. syn_at(5, 'kz.tokayev'))
  check(syn_at(5, '[Tokaïev]') == 'seedOpen', 'syntax of a bracket: ' .. syn_at(5, '[Tokaïev]'))
  check(syn_at(5, 'Tokaïev]') == '', 'syntax of a surface: ' .. syn_at(5, 'Tokaïev]'))
  log('syntax ok')

  local bintro = edit(intro)
  check(vim.bo.filetype == 'seed', 'header-detected filetype: ' .. vim.bo.filetype)
  local bmalformed = edit(malformed)
  check(vim.bo.filetype == 'seed', 'articles/malformed.txt (date 2022/01) filetype: ' .. vim.bo.filetype)
  local bdraft = edit(draft)
  check(vim.bo.filetype == 'seed', 'notes/draft.txt (no header, registry above) filetype: ' .. vim.bo.filetype)
  local bdated = edit(dated)
  check(vim.bo.filetype == 'seed', '`Date:` on line 1 outside a corpus, filetype: ' .. vim.bo.filetype)
  local bplain = edit(plain)
  check(vim.bo.filetype ~= 'seed', 'plain text detected as seed')

  -- A corpus is found as `seedls check` finds it: a `*.entities.tsv`, `schema.tsv` or
  -- `.seedls.json` counts like `entities.tsv`, and the nearest such folder wins over a nearer
  -- `.git`.
  local corpus = outside .. '/corpus'
  vim.fn.mkdir(corpus .. '/articles/.git', 'p')
  vim.fn.mkdir(corpus .. '/schema-only/sub', 'p')
  vim.fn.mkdir(corpus .. '/settings-only/sub', 'p')
  vim.fn.writefile({ 'id\ttype\tname' }, corpus .. '/team.entities.tsv')
  vim.fn.writefile({ 'type\tclass' }, corpus .. '/schema-only/schema.tsv')
  vim.fn.writefile({ '{}' }, corpus .. '/settings-only/.seedls.json')
  local article = corpus .. '/articles/a.txt'
  check(seedls.detect(article, bplain) == 'seed', 'a .txt below a *.entities.tsv is not seed')
  check(seedls.detect(corpus .. '/schema-only/sub/b.txt', bplain) == 'seed', 'a .txt below a schema.tsv is not seed')
  check(seedls.find_root(corpus .. '/settings-only/sub/c.txt') == corpus .. '/settings-only', 'root below .seedls.json')
  check(seedls.detect(plain, bplain) == nil, 'plain.txt outside a corpus is seed')
  check(seedls.find_root(article) == corpus, 'root of a.txt: ' .. seedls.find_root(article) .. ', not ' .. corpus)
  check(seedls.find_root(corpus .. '/schema-only/sub/b.txt') == corpus .. '/schema-only', 'root below schema.tsv')
  check(seedls.find_root(article, { '.git', 'entities.tsv' }) == corpus .. '/articles', 'a flat marker list: nearest of any')
  log('filetype detection ok')

  -- The server attaches to seed buffers, with the workspace root found from the markers.
  wait(10000, function()
    return #clients(b002) == 1 and #clients(bintro) == 1 and #clients(bmalformed) == 1 and #clients(bdraft) == 1
  end, 'the server to attach')
  local client = clients(b002)[1]
  check(client.name == 'seedls', 'client name ' .. tostring(client.name))
  for _, b in ipairs({ bintro, bmalformed, bdraft }) do
    check(client.id == clients(b)[1].id, 'one client for the workspace: ' .. vim.api.nvim_buf_get_name(b))
  end
  check(client.config.root_dir == ws, 'root_dir ' .. tostring(client.config.root_dir) .. ' ~= ' .. ws)
  check(#clients(bplain) == 0, 'server attached to a plain text file')
  wait(10000, function()
    return client.initialized ~= false and client.server_capabilities ~= nil
  end, 'initialize')
  check(client.server_capabilities.hoverProvider, 'hoverProvider')
  log('attached: root ' .. client.config.root_dir)

  -- Diagnostics: an unknown type (A004, error) and an unregistered id (A005, warning).
  local function has_diag(buf, code, severity)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if diag_code(d) == code and d.severity == severity then
        return true
      end
    end
    return false
  end
  wait(10000, function()
    return has_diag(b002, 'A004', vim.diagnostic.severity.ERROR)
      and has_diag(b002, 'A005', vim.diagnostic.severity.WARN)
  end, 'A004 and A005 diagnostics: ' .. vim.inspect(vim.diagnostic.get(b002)))
  -- (b002 is not shown in a window: diagnostics must reach hidden buffers too.)
  local a004 = 0
  for _, d in ipairs(vim.diagnostic.get(b002)) do
    if diag_code(d) == 'A004' then
      a004 = a004 + 1
      local line = vim.api.nvim_buf_get_lines(b002, d.lnum, d.lnum + 1, false)[1]
      check(line:sub(d.col + 1, d.end_col) == 'plac', 'A004 range covers ' .. line:sub(d.col + 1, d.end_col))
    end
  end
  check(a004 == 1, 'A004 reported ' .. a004 .. ' times')
  log('diagnostics ok: ' .. #vim.diagnostic.get(b002))

  -- The headers the detection now lets through are diagnosed where they are open.
  wait(10000, function()
    return has_diag(bmalformed, 'H002', vim.diagnostic.severity.ERROR)
      and has_diag(bdraft, 'H001', vim.diagnostic.severity.ERROR)
      and has_diag(bdated, 'H001', vim.diagnostic.severity.ERROR)
  end, 'H002 in articles/malformed.txt, H001 in notes/draft.txt and header.txt: '
    .. vim.inspect({ vim.diagnostic.get(bmalformed), vim.diagnostic.get(bdraft), vim.diagnostic.get(bdated) }))
  for _, d in ipairs(vim.diagnostic.get(bmalformed)) do
    if diag_code(d) == 'H002' then
      local l1 = vim.api.nvim_buf_get_lines(bmalformed, 0, 1, false)[1]
      check(l1:sub(d.col + 1, d.end_col) == '2022/01', 'H002 covers ' .. l1:sub(d.col + 1, d.end_col))
    end
  end
  log('H002 and H001 shown in the malformed, header-less and `Date:` files')

  -- Inlay hints (0.10+): turned on for seed buffers, and the canonical name drawn after a surface
  -- that differs from it (b002: [Tokaïev]{person:kz.tokayev}).
  if has('0.10') then
    local function hint_labels(buf)
      local labels = {}
      for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
        local label = h.inlay_hint.label
        if type(label) == 'table' then
          local parts = {}
          for _, part in ipairs(label) do
            table.insert(parts, part.value)
          end
          label = table.concat(parts)
        end
        table.insert(labels, label)
      end
      return labels
    end
    local function shows_name(buf)
      return table.concat(hint_labels(buf), '|'):find('Kassym-Jomart Tokaïev', 1, true) ~= nil
    end
    vim.api.nvim_set_current_buf(b002)
    check(vim.lsp.inlay_hint.is_enabled({ bufnr = b002 }), 'inlay hints not enabled in a seed buffer')
    wait(10000, function()
      return shows_name(b002)
    end, 'the inlay hint with the canonical name; got ' .. vim.inspect(hint_labels(b002)))
    log('inlay hints ok: ' .. table.concat(hint_labels(b002), ' | '))

    -- A refresh the server asks for while the buffer is hidden (here: hints turned off in the
    -- settings) reaches the buffer once it is shown.
    local refreshes = 0
    local default_refresh = vim.lsp.handlers['workspace/inlayHint/refresh']
    vim.lsp.handlers['workspace/inlayHint/refresh'] = function(...)
      refreshes = refreshes + 1
      return default_refresh(...)
    end
    local function set_inlay_hints(on)
      local seen = refreshes
      client.config.settings.seedls.inlayHints = on
      local params = { settings = client.config.settings }
      if has('0.11') then
        client:notify('workspace/didChangeConfiguration', params)
      else
        client.notify('workspace/didChangeConfiguration', params)
      end
      wait(10000, function()
        return refreshes > seen
      end, 'the server to ask for inlay hints again')
    end
    vim.api.nvim_set_current_buf(bintro)
    set_inlay_hints(false)
    vim.api.nvim_set_current_buf(b002)
    wait(10000, function()
      return #hint_labels(b002) == 0
    end, 'hints turned off while b002 was hidden to go once it is shown: ' .. vim.inspect(hint_labels(b002)))
    set_inlay_hints(true)
    wait(10000, function()
      return shows_name(b002)
    end, 'the hints to come back: ' .. vim.inspect(hint_labels(b002)))
    vim.lsp.handlers['workspace/inlayHint/refresh'] = default_refresh
    log('inlay hints refreshed in a buffer hidden at the refresh')
  else
    log('inlay hints: none in this version, skipped')
  end

  -- Hover, through the UI: the floating window shows the registry card.
  local b000 = edit(seed000)
  check(vim.bo.filetype == 'seed', 'seed 000 filetype')
  wait(10000, function()
    return #clients(b000) == 1
  end, 'attach to seed 000')
  cursor_on(3, '[Ankara]', 2)
  vim.lsp.buf.hover()
  local hover
  wait(10000, function()
    for _, win in ipairs(floats()) do
      local text = buf_text(vim.api.nvim_win_get_buf(win))
      if text:find('gouvernement turc', 1, true) then
        hover = text
        return true
      end
    end
    return false
  end, 'the hover float')
  check(hover:find('tr.gov', 1, true), 'hover shows the id: ' .. hover)
  check(hover:find('Government of Turkey', 1, true), 'hover shows the description: ' .. hover)
  close_floats()
  log('hover ok')

  -- Definition, through the UI: into the registry row.
  vim.api.nvim_set_current_buf(b000)
  cursor_on(3, '[Ankara]', 2)
  vim.lsp.buf.definition()
  wait(10000, function()
    return vim.api.nvim_buf_get_name(0):match('/entities%.tsv$') ~= nil
  end, 'definition to jump into entities.tsv')
  local row = vim.api.nvim_win_get_cursor(0)[1]
  local line = vim.api.nvim_get_current_line()
  check(line:match('^tr%.gov\t'), 'definition landed on row ' .. row .. ': ' .. line)
  log('definition into entities.tsv ok (line ' .. row .. ')')

  -- The registry is served too: the client attached to it (no other filetype forced on it), and a
  -- hover on a row shows the id's usage.
  local bregistry = vim.api.nvim_get_current_buf()
  wait(10000, function()
    return #clients(bregistry) == 1
  end, 'the client to attach to entities.tsv')
  check(clients(bregistry)[1].id == client.id, 'entities.tsv has a client of its own')
  check(vim.bo[bregistry].filetype ~= 'seed', 'entities.tsv is of filetype seed')
  vim.lsp.buf.hover()
  local usage
  wait(10000, function()
    for _, win in ipairs(floats()) do
      local text = buf_text(vim.api.nvim_win_get_buf(win))
      if text:find('Mentioned', 1, true) then
        usage = text
        return true
      end
    end
    return false
  end, 'the hover float on a registry row')
  check(usage:find('tr.gov', 1, true), 'registry hover: ' .. usage)
  close_floats()
  log('entities.tsv attached, hover on a row ok')

  -- Definition of an id with no registry row: its first mention, in another article.
  vim.api.nvim_set_current_buf(b002)
  cursor_on(5, 'xx.newcomer', 3)
  vim.lsp.buf.definition()
  wait(10000, function()
    return vim.api.nvim_get_current_buf() == bintro
  end, 'definition to jump to notes/intro.txt')
  local cur = vim.api.nvim_win_get_cursor(0)
  local at = vim.api.nvim_get_current_line():sub(cur[2] + 1)
  check(cur[1] == 5 and vim.api.nvim_get_current_line():find('{person:xx.newcomer}', 1, true),
    ('first mention: cursor %d:%d on %q'):format(cur[1], cur[2], at))
  log('definition into another article ok')

  -- Declaration: the article that introduced the id (earliest date), here seed 000.
  vim.api.nvim_set_current_buf(b002)
  cursor_on(5, 'kz.tokayev', 3)
  vim.lsp.buf.declaration()
  wait(10000, function()
    return vim.api.nvim_buf_get_name(0):match('/seeds/000_[0-9a-f]+%.txt$') ~= nil
  end, 'declaration to jump to seed 000')
  check(vim.api.nvim_get_current_line():find('kz.tokayev', 1, true), 'declaration line mentions kz.tokayev')
  log('declaration ok')

  -- Semantic tokens (0.9+ has a client; 0.11 has get_at_pos).
  if vim.lsp.semantic_tokens and vim.lsp.semantic_tokens.get_at_pos then
    vim.api.nvim_set_current_buf(b002)
    local l5 = vim.api.nvim_buf_get_lines(b002, 4, 5, false)[1]
    local function type_at(needle, offset)
      local s = l5:find(needle, 1, true)
      local tokens = vim.lsp.semantic_tokens.get_at_pos(b002, 4, s - 1 + (offset or 0)) or {}
      for _, t in ipairs(tokens) do
        return t.type
      end
      return nil
    end
    wait(10000, function()
      return type_at('[Tokaïev]', 2) == 'class'
    end, 'semantic token class on a person, got ' .. tostring(type_at('[Tokaïev]', 2)))
    check(type_at('person:kz', 0) == 'comment', 'markup token: ' .. tostring(type_at('person:kz', 0)))
    check(type_at('kz.tokayev', 1) == 'variable', 'id token: ' .. tostring(type_at('kz.tokayev', 1)))
    local l1 = vim.api.nvim_buf_get_lines(b002, 0, 1, false)[1]
    local d = l1:find('2022', 1, true)
    local date = (vim.lsp.semantic_tokens.get_at_pos(b002, 0, d) or {})[1]
    check(date and date.type == 'number', 'header date token: ' .. vim.inspect(date))
    log('semantic tokens ok')
  else
    log('semantic tokens: no client in this version, skipped')
  end

  -- Code action, through the UI: the quick fix for the unknown type, picked in vim.ui.select.
  vim.api.nvim_set_current_buf(b002)
  cursor_on(5, 'plac:kz', 1)
  local offered = {}
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, action.title)
      if action.title == 'Change to `place`' then
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  wait(10000, function()
    return buf_text(b002):find('[Almaty]{place:kz.almaty}', 1, true) ~= nil
  end, 'the quick fix to be applied; offered: ' .. vim.inspect(offered))
  wait(10000, function()
    return not has_diag(b002, 'A004', vim.diagnostic.severity.ERROR)
  end, 'A004 to go away after the fix')
  log('code action ok: ' .. table.concat(offered, ' | '))

  -- Add the unregistered id to entities.tsv: the edit lands in the (unsaved) registry buffer and
  -- the article's A005 goes away, with no restart and nothing written to disk.
  vim.api.nvim_set_current_buf(b002)
  cursor_on(5, 'xx.newcomer', 2)
  check(has_diag(b002, 'A005', vim.diagnostic.severity.WARN), 'A005 on xx.newcomer before the fix')
  offered = {}
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, action.title)
      if action.title:find('Add `xx.newcomer` to entities.tsv', 1, true) then
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  wait(10000, function()
    return buf_text(bregistry):find('\nxx%.newcomer\t') ~= nil
  end, 'the registry row to be added; offered: ' .. vim.inspect(offered))
  wait(10000, function()
    return not has_diag(b002, 'A005', vim.diagnostic.severity.WARN)
  end, 'A005 to go away once the id is in the registry buffer: ' .. vim.inspect(vim.diagnostic.get(b002)))
  check(vim.bo[bregistry].modified, 'the registry buffer was written: the server may have read the row from disk')
  log('registry row added by a code action; A005 gone')

  -- Rename an id: every article changes, the closed-then-opened one included.
  vim.api.nvim_set_current_buf(b002)
  cursor_on(5, 'xx.newcomer', 2)
  vim.lsp.buf.rename('xx.arrival')
  wait(10000, function()
    return buf_text(b002):find('{person:xx.arrival}', 1, true) ~= nil
      and buf_text(bintro):find('{person:xx.arrival}', 1, true) ~= nil
  end, 'rename to edit both articles')
  check(not buf_text(b002):find('xx.newcomer', 1, true), 'old id left in 002')
  check(not buf_text(bintro):find('xx.newcomer', 1, true), 'old id left in intro')
  log('rename ok')
end

-- A watchdog: headless Neovim must never hang CI.
vim.defer_fn(function()
  log('FAIL: watchdog: the test did not finish in 60 s')
  vim.cmd('cquit 1')
end, 60000)

vim.schedule(function()
  local ok, err = xpcall(run, debug.traceback)
  if ok then
    log('PASS')
    vim.cmd('qall!')
  else
    log('FAIL: ' .. tostring(err))
    vim.cmd('cquit 1')
  end
end)
