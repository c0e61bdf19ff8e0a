-- Scripted annotation: annotate FILE (plain) to match GOLD using the cheapest seedls gestures.
-- A gesture (an "action"): a code action applied, a completion item accepted, a token typed by
-- hand, a manual wrap of the span. Typing a separator (: . space = ,) that opens completion is free.
vim.opt.rtp:prepend(os.getenv('PLUGIN'))
local GOLD, FILE, OUT = os.getenv('GOLD'), os.getenv('FILE'), os.getenv('OUT')
local NEWIDS = {}
for id in (os.getenv('NEWIDS') or ''):gmatch('%S+') do NEWIDS[id] = true end
local out = {}
local sim = false
local function log(s) if not sim then table.insert(out, s) end end

local function parse(line)
  local plain, map, stack, mentions = {}, {}, {}, {}
  local i, p = 1, 0
  while i <= #line do
    local c = line:sub(i, i)
    if c == '[' then
      table.insert(stack, { p = p, b = i }); i = i + 1
    elseif c == ']' and line:sub(i + 1, i + 1) == '{' and #stack > 0 then
      local close = line:find('}', i + 2, true)
      local open = table.remove(stack)
      table.insert(mentions, { ps = open.p, pe = p, tag = line:sub(i + 2, close - 1), bs = open.b, be = close, tb = i + 2 })
      i = close + 1
    else
      p = p + 1; plain[p] = c; map[p] = i; i = i + 1
    end
  end
  return table.concat(plain), mentions, map
end

-- a tag as its head and its arguments (role order is no part of the meaning)
local function split(tag)
  local head, rest = tag:match('^(%S*)(.*)$')
  local args = {}
  for a in rest:gmatch('%S+') do table.insert(args, a) end
  return head, args
end

-- two tags alike but for the order of their arguments
function SAME(b, g)
  local bh, ba = split(b)
  local gh, ga = split(g)
  if bh ~= gh or #ba ~= #ga then return false end
  table.sort(ba); table.sort(ga)
  for i = 1, #ba do if ba[i] ~= ga[i] then return false end end
  return true
end

local mapping = {}
local function mapped(tag)
  return (tag:gsub('[A-Za-z0-9][A-Za-z0-9._-]*', function(id) return mapping[id] or id end))
end

-- the buffer byte range (1-based, inclusive) holding plain [ps, pe) of a line
local function span(line, ps, pe)
  local _, ms, map = parse(line)
  local bs, be = map[ps + 1], map[pe]
  for _, m in ipairs(ms) do
    if m.ps == ps and m.pe <= pe and m.bs < bs then bs = m.bs end
    if m.pe == pe and m.ps >= ps and m.be > be then be = m.be end
  end
  return bs, be
end

local function desired(line, m)
  local bs, be = span(line, m.ps, m.pe)
  return line:sub(1, bs - 1) .. '[' .. line:sub(bs, be) .. ']{' .. mapped(m.tag) .. '}' .. line:sub(be + 1), bs, be
end

vim.schedule(function() local ok, err = xpcall(function()
  require('seedls').setup({ cmd = { os.getenv('SEEDLS') }, settings = os.getenv('SUGGEST') ~= "" and os.getenv('SUGGEST') and { suggestions = { enabled = true } } or {} })
  local gold = {}
  for l in io.lines(GOLD) do table.insert(gold, l) end
  vim.cmd('edit ' .. FILE)
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(10000, function() return #vim.lsp.get_clients({ bufnr = buf }) > 0 end)
  local client = vim.lsp.get_clients({ bufnr = buf })[1]
  local enc = client.offset_encoding
  vim.wait(3000, function() return false end)
  local function req(method, params)
    local r = client:request_sync(method, params, 10000, buf)
    return r and r.result
  end
  local function pos(row, col) -- row 0-based, col 0-based byte
    return { line = row, character = vim.lsp.util.character_offset(buf, row, col, enc) }
  end
  local function lines() return vim.api.nvim_buf_get_lines(buf, 0, -1, false) end
  local function snapshot()
    local s = {}
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) then s[b] = vim.api.nvim_buf_get_lines(b, 0, -1, false) end
    end
    return s
  end
  local function restore(s)
    for b, ls in pairs(s) do
      if vim.api.nvim_buf_is_loaded(b) then
        local cur = vim.api.nvim_buf_get_lines(b, 0, -1, false)
        if table.concat(cur, '\n') ~= table.concat(ls, '\n') then vim.api.nvim_buf_set_lines(b, 0, -1, false, ls) end
      end
    end
  end
  local function settle() vim.wait(150, function() return false end) end
  -- the gold mentions of every line, inner first
  local todo = {}
  for row, l in ipairs(gold) do
    local _, ms = parse(l)
    for _, m in ipairs(ms) do m.row = row - 1; table.insert(todo, m) end
  end
  -- whether every mention in the buffer is a gold one, and how many are
  local function consistent()
    local ls, right = lines(), 0
    for row, l in ipairs(ls) do
      local _, ms = parse(l)
      local _, gs = parse(gold[row] or '')
      for _, m in ipairs(ms) do
        local found = false
        for _, g in ipairs(gs) do
          if g.ps == m.ps and g.pe == m.pe and SAME(m.tag, mapped(g.tag)) then found = true end
        end
        if not found then return false, right end
        right = right + 1
      end
    end
    return true, right
  end
  local function has(m)
    local _, ms = parse(lines()[m.row + 1])
    for _, x in ipairs(ms) do
      if x.ps == m.ps and x.pe == m.pe and SAME(x.tag, mapped(m.tag)) then return true end
    end
    return false
  end
  local function apply_action(a)
    if not a.edit and not a.command and a.data then a = req('codeAction/resolve', a) or a end
    if a.edit then vim.lsp.util.apply_workspace_edit(a.edit, enc) end
    settle()
  end
  -- the mention at plain [ps, pe) on row, if any
  local function mention_at(row, ps, pe)
    local _, ms = parse(lines()[row + 1])
    for _, x in ipairs(ms) do if x.ps == ps and x.pe == pe then return x end end
  end
  -- how far tag `b` has come towards gold `g`, or nil when it went astray
  local function progress(b, g)
    local bh, ba = split(b)
    local gh, ga = split(g)
    if #ba == 0 and not b:match('%s') then
      if gh:sub(1, #bh) ~= bh then return nil end
      return #bh
    end
    if bh ~= gh then return nil end
    local left, p = {}, #gh
    for _, a in ipairs(ga) do left[a] = true end
    local trailing = b:match('%s$') == nil
    for i, a in ipairs(ba) do
      if left[a] then left[a] = nil; p = p + #a + 1
      elseif i == #ba and trailing then
        local ok = false
        for r in pairs(left) do if r:sub(1, #a) == a then ok = true end end
        if not ok then return nil end
        p = p + #a
      else return nil end
    end
    return p
  end
  -- fill the tag of mention m up to its gold tag with completion; returns gestures used or nil
  local function complete(m)
    local cost = 0
    for _ = 1, 40 do
      local x = mention_at(m.row, m.ps, m.pe)
      local want = mapped(m.tag)
      if SAME(x.tag, want) then return cost end
      local here = progress(x.tag, want)
      if not here then
        -- a new entity's id: accept the one made for it (an id not in the corpus before)
        local gid = m.tag:match(':([^%s]+)')
        local _, xid = x.tag:match('^([^:%s]+):([^%s]+)')
        if gid and xid and NEWIDS[gid] and not mapping[gid] and x.tag:gsub(':[^%s]+', '', 1) == m.tag:gsub(':[^%s]+', '', 1) then
          mapping[gid] = xid; log(('    new id %s accepted for %s'):format(xid, gid)); return cost
        end
        return nil
      end
      local at = x.tb + #x.tag - 1 -- 0-based byte col after the tag text
      local gh = split(want)
      local bh, ba = split(x.tag)
      local sep
      if #ba == 0 and not x.tag:match('%s') and bh ~= gh then
        sep = gh:sub(#bh + 1):match('^[:.]')
      elseif bh == gh and not x.tag:match('[%s=,]$') then
        -- after the head or a whole argument: a space opens the next one
        local last = ba[#ba]
        local whole = #ba == 0
        for _, a in ipairs(select(2, split(want))) do if a == last then whole = true end end
        if whole then sep = ' ' end
      end
      if sep then
        vim.api.nvim_buf_set_text(buf, m.row, at, m.row, at, { sep }); settle()
      else
        local res = req('textDocument/completion', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos(m.row, at) })
        local items = res and (res.items or res) or {}
        table.sort(items, function(a, b) return (a.sortText or a.label) < (b.sortText or b.label) end)
        local best, bestp
        for rank, it in ipairs(items) do
          if rank > 10 then break end
          local s = snapshot()
          local te = it.textEdit
          if te then
            vim.lsp.util.apply_text_edits({ { range = te.insert or te.range, newText = te.newText } }, buf, enc)
          else
            vim.api.nvim_buf_set_text(buf, m.row, at, m.row, at, { it.insertText or it.label })
          end
          local y = mention_at(m.row, m.ps, m.pe)
          local p = y and progress(y.tag, want)
          if p and p > here and (not bestp or p > bestp) then best, bestp = it, p end
          restore(s)
        end
        if best then
          local te = best.textEdit
          if te then vim.lsp.util.apply_text_edits({ { range = te.insert or te.range, newText = te.newText } }, buf, enc)
          else vim.api.nvim_buf_set_text(buf, m.row, at, m.row, at, { best.insertText or best.label }) end
          settle()
          log(('    completion: %s'):format(best.label))
        else
          -- by hand: the rest of the head's part, or of the first argument still missing
          local tok
          if bh ~= gh then
            tok = gh:sub(#bh + 1):match('^[^:.]+')
          else
            local have = {}
            for _, a in ipairs(ba) do have[a] = true end
            local partial = x.tag:match('%s$') and '' or (ba[#ba] or '')
            for _, a in ipairs(select(2, split(want))) do
              if not have[a] and a:sub(1, #partial) == a:sub(1, #partial) and a:sub(1, #partial) == partial then
                tok = a:sub(#partial + 1):match('^[^=,]*[=,]?'); break
              end
            end
          end
          vim.api.nvim_buf_set_text(buf, m.row, at, m.row, at, { tok }); settle()
          log(('    typed: %s'):format(tok))
        end
        cost = cost + 1
      end
    end
    return nil
  end

  local total, tally = 0, { free = 0 }
  for _, m in ipairs(todo) do
    local label = ('%d:%s {%s}'):format(m.row + 1, parse(gold[m.row + 1]):sub(m.ps + 1, m.pe), m.tag)
    if has(m) then
      tally.free = tally.free + 1
      log(('0  %s (already there)'):format(label))
    else
      local line = lines()[m.row + 1]
      local _, bs, be = desired(line, m)
      local range = { start = pos(m.row, bs - 1), ['end'] = pos(m.row, be) }
      local actions = req('textDocument/codeAction', { textDocument = { uri = vim.uri_from_bufnr(buf) }, range = range, context = { diagnostics = {} } }) or {}
      local _, before = consistent()
      local best, bestgain, prefix, prefixcost
      for _, a in ipairs(actions) do
        local s = snapshot()
        local saved = vim.deepcopy(mapping)
        sim = true
        apply_action(a)
        local good, right = consistent()
        if good and has(m) and (not best or right - before > bestgain) then best, bestgain = a, right - before end
        if not has(m) then
          local x = mention_at(m.row, m.ps, m.pe)
          if x and good ~= nil and not prefix then
            local c = complete(m)
            if c and (not prefixcost or c < prefixcost) then prefix, prefixcost = a, c end
          end
        end
        restore(s)
        mapping = saved
        sim = false
      end
      local cost
      if best then
        apply_action(best)
        cost = 1
        log(('1  %s ← %s (+%d)'):format(label, best.title, bestgain - 1))
      elseif prefix then
        apply_action(prefix)
        local c = complete(m)
        cost = 1 + c
        log(('%d  %s ← %s, then %d'):format(cost, label, prefix.title, c))
      else
        -- by hand: wrap the span and write the tag with completion
        line = lines()[m.row + 1]
        local _, bs2, be2 = desired(line, m)
        vim.api.nvim_buf_set_text(buf, m.row, be2, m.row, be2, { ']{}' })
        vim.api.nvim_buf_set_text(buf, m.row, bs2 - 1, m.row, bs2 - 1, { '[' })
        settle()
        local c = complete(m) or 99
        cost = 1 + c
        log(('%d  %s ← wrapped by hand, then %d'):format(cost, label, c))
      end
      total = total + cost
    end
  end
  local good = consistent()
  log(('mentions %d, actions %d, per mention %.2f, consistent %s'):format(#todo, total, total / #todo, tostring(good)))
  local f = io.open(OUT, 'w'); f:write(table.concat(out, '\n') .. '\n'); f:close()
end, debug.traceback)
if not ok then local f = io.open(OUT, 'w'); f:write('ERROR ' .. err .. '\n' .. table.concat(out, '\n')); f:close(); vim.cmd('cquit 1') end
vim.cmd("qall!") end)
