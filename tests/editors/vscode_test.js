// VS Code end to end: the extension's .vsix installed into code-server (a real VS Code
// workbench), driven in headless Chromium with playwright-core. Run by tests/editors/run.sh:
//
//   SEEDLS=<binary> VSIX=<file> CODE_SERVER=<bin> PLAYWRIGHT_CORE=<module dir> SEEDLS_WS=<workspace> \
//   SEEDLS_OUTSIDE=<folder> OUT=<dir for screenshots and state> node vscode_test.js
//
// SEEDLS_OUTSIDE: tests/editors/outside copied to a folder in no corpus (and not in the workspace).
//
// Exits 0 when every check passed, 1 otherwise.
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const SEEDLS = env('SEEDLS');
const VSIX = env('VSIX');
const CODE_SERVER = env('CODE_SERVER');
const { chromium } = require(env('PLAYWRIGHT_CORE'));
const WS = env('SEEDLS_WS');
const OUTSIDE = env('SEEDLS_OUTSIDE');
const OUT = env('OUT');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const userData = path.join(OUT, 'user-data');
const wrapper = path.join(OUT, 'bin', 'seedls');
const noNewFlag = path.join(OUT, 'bin', 'no-new');
const extensions = path.join(OUT, 'extensions');
const shots = path.join(OUT, 'screenshots');

const log = (msg) => process.stderr.write(`vscode: ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function main() {
  for (const d of [userData, extensions, shots]) fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(shots, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'seedls.path': wrapper,
        'editor.hover.delay': 100,
        'editor.semanticHighlighting.enabled': true,
        'editor.minimap.enabled': false,
        'editor.fontSize': 14,
        'workbench.colorTheme': 'Default Dark Modern',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'chat.commandCenter.enabled': false,
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );

  // seedls.path points at a wrapper: the real server, or an older seedls without `new` while
  // the flag file exists (the extension must then write the file itself).
  const bin = path.join(OUT, 'bin');
  fs.rmSync(bin, { recursive: true, force: true });
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh
if [ "$1" = new ] && [ -e "${noNewFlag}" ]; then
  echo "error: unrecognized subcommand 'new'" >&2
  exit 2
fi
exec "${SEEDLS}" "$@"
`,
    { mode: 0o755 },
  );
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  const installed = execFileSync(CODE_SERVER, [...common, '--install-extension', VSIX], { encoding: 'utf8' });
  log(installed.trim().split('\n').pop());
  const listed = execFileSync(CODE_SERVER, [...common, '--list-extensions', '--show-versions'], { encoding: 'utf8' });
  check(/seedls\.seedls@/.test(listed), `extension not installed: ${listed}`);

  const port = await freePort();
  const server = spawn(
    CODE_SERVER,
    ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...common],
    { stdio: ['ignore', fs.openSync(path.join(OUT, 'code-server.log'), 'w'), fs.openSync(path.join(OUT, 'code-server.err'), 'w')] },
  );
  let browser;
  try {
    const t0 = Date.now();
    while (!(await healthy(port))) {
      check(Date.now() - t0 < 30000, 'code-server did not start in 30 s');
      check(server.exitCode === null, `code-server exited: ${server.exitCode}`);
      await sleep(200);
    }
    log(`code-server up on port ${port} in ${Date.now() - t0} ms`);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await run(page, port);
    } catch (err) {
      await shot(page, 'failure').catch(() => {});
      for (const f of findLogs(path.join(userData, 'logs'))) {
        log(`--- ${f}\n${fs.readFileSync(f, 'utf8').slice(-3000)}`);
      }
      throw err;
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.kill('SIGTERM');
  }
}

// The extension's output channel logs.
function findLogs(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findLogs(p));
    else if (/seedls\.log$/.test(e.name)) out.push(p);
  }
  return out;
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot ${file}`);
}

async function command(page, name, { asks = false } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${name}`);
  await page.locator('.quick-input-list .monaco-list-row:visible', { hasText: name }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  if (!asks) {
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
  }
}

// Opens a file by its absolute path (Quick Open takes one, for a file outside the workspace too).
async function openPath(page, file, expectText) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(file);
  const name = path.basename(file);
  await page.locator('.quick-input-list .monaco-list-row:visible', { hasText: name }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15000 });
  await page.locator('.editor-instance .view-line', { hasText: expectText }).first().waitFor({ timeout: 15000 });
}

// The language mode of the active editor once it is `want` (the extension may switch it just
// after the file opens), or what it is after 5 s.
async function modeOf(page, want) {
  let mode = '';
  for (let i = 0; i < 50 && mode !== want; i++) {
    mode = await statusText(page, 'status.editor.mode');
    await sleep(100);
  }
  return mode;
}

async function openFile(page, query, expectText) {
  // F1 then a query without `>`: Quick Open (Ctrl+P is not always the workbench's in a browser).
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(query);
  await page.locator('.quick-input-list .monaco-list-row:visible', { hasText: query }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: query }).waitFor({ timeout: 15000 });
  await page.locator('.editor-instance .view-line', { hasText: expectText }).first().waitFor({ timeout: 15000 });
}

// The bounding box of an element Monaco may re-render meanwhile.
async function boxOf(locator) {
  for (let i = 0; i < 50; i++) {
    const box = await locator.boundingBox({ timeout: 2000 }).catch(() => null);
    if (box) return box;
    await sleep(100);
  }
  throw new Error(`no bounding box for ${locator}`);
}

// Moves the mouse onto an element and returns the text of the hover that shows `expect`.
async function hoverOn(page, locator, expect) {
  await page.mouse.move(10, 10);
  await sleep(500); // let semantic tokens and inlay hints re-render the line first
  const box = await boxOf(locator);
  await page.mouse.move(box.x + 5, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  const hover = page.locator('.monaco-hover:visible', { hasText: expect });
  await hover.first().waitFor({ timeout: 15000 });
  return hover.first().innerText();
}

async function statusText(page, id) {
  const item = page.locator(`#${id.replace(/\./g, '\\.')}`);
  await item.waitFor({ timeout: 10000 });
  return (await item.innerText()).trim();
}

async function run(page, port) {
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`;
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 30000 });
  log('workbench loaded');
  await sleep(1000);

  // A seed file in the `seeds` folder: language Seed, error squiggles, Problems panel.
  await openFile(page, '002_0123456789abcdef.txt', 'Tokaïev');
  const mode = await statusText(page, 'status.editor.mode');
  check(mode === 'Seed', `language mode is ${JSON.stringify(mode)}, not Seed`);
  log('language mode: Seed');
  await page.locator('.squiggly-error').first().waitFor({ timeout: 20000 });
  await page.locator('.squiggly-warning').first().waitFor({ timeout: 10000 });
  log('error and warning squiggles shown');
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await problems.locator('.monaco-list-row', { hasText: 'plac' }).first().waitFor({ timeout: 10000 });
  const problemText = await problems.innerText();
  check(problemText.includes('A004'), `Problems panel has no A004: ${problemText}`);
  check(problemText.includes('A005'), `Problems panel has no A005: ${problemText}`);
  log('Problems panel lists A004 and A005');

  // Hover a person with the mouse: the registry card.
  const editor = page.locator('.editor-instance').first();
  const surface = editor.locator('.view-line span', { hasText: /^Tokaïev$/ }).first();
  await surface.waitFor({ timeout: 10000 });
  const hoverText = await hoverOn(page, surface, 'Kassym-Jomart Tokaïev');
  check(hoverText.includes('kz.tokayev'), `hover has no id: ${hoverText}`);
  check(hoverText.includes('President of Kazakhstan'), `hover has no description: ${hoverText}`);
  log('hover card: Kassym-Jomart Tokaïev');
  await shot(page, 'hover');

  // The semantic token type under the cursor, with the TextMate scope below it.
  await page.mouse.move(10, 10);
  await surface.click();
  await command(page, 'Developer: Inspect Editor Tokens and Scopes');
  const widget = page.locator('.token-inspect-widget');
  await widget.waitFor({ timeout: 10000 });
  await widget.locator('text=semantic token type').first().waitFor({ timeout: 15000 });
  const inspect = await widget.innerText();
  check(/semantic token type\s+class\b/.test(inspect), `not a class token: ${inspect}`);
  check(inspect.includes('text.seed'), `no TextMate scope text.seed: ${inspect}`);
  // The extension's semanticTokenScopes: the theme rule found through the seed scope.
  check(inspect.includes('entity.name.type.class.person.seed'), `no semantic token scope: ${inspect}`);
  log('Inspect Editor Tokens: semantic token type class, scope text.seed');
  await shot(page, 'inspect-tokens');
  await page.keyboard.press('Escape');

  // The TextMate grammar on an id inside a tag.
  const idSpan = editor.locator('.view-line span', { hasText: /^kz\.tokayev$/ }).first();
  await idSpan.click();
  await command(page, 'Developer: Inspect Editor Tokens and Scopes');
  await widget.locator('text=semantic token type').first().waitFor({ timeout: 15000 });
  const inspectId = await widget.innerText();
  check(inspectId.includes('variable.other.id.seed'), `no TextMate id scope: ${inspectId}`);
  check(/semantic token type\s+variable\b/.test(inspectId), `not a variable token: ${inspectId}`);
  log('Inspect Editor Tokens on an id: variable, variable.other.id.seed');
  await page.keyboard.press('Escape');

  // F12 on the person: the registry row in entities.tsv.
  await surface.click();
  await page.keyboard.press('F12');
  await page.locator('.tab.active', { hasText: 'entities.tsv' }).waitFor({ timeout: 15000 });
  const rows = fs.readFileSync(path.join(WS, 'entities.tsv'), 'utf8').split('\n');
  const want = rows.findIndex((l) => l.startsWith('kz.tokayev\t')) + 1;
  let position = '';
  for (let i = 0; i < 50 && !position.startsWith(`Ln ${want},`); i++) {
    position = await statusText(page, 'status.editor.selection');
    await sleep(100);
  }
  check(position.startsWith(`Ln ${want},`), `definition at ${position}, want line ${want}`);
  log(`F12: entities.tsv, ${position}`);
  // The registry is served too: code lenses on its rows.
  const lens = await page.locator('.codelens-decoration', { hasText: /mention/ }).first();
  await lens.waitFor({ timeout: 15000 });
  log(`code lens in entities.tsv: ${(await lens.innerText()).trim()}`);
  await shot(page, 'definition');

  // Seed files without a well-formed header are seed files, diagnosed in the open editor: a
  // malformed date in a folder not named `seeds` (H002), no header below the registry's folder
  // (H001), and `Date:` on line 1 outside the workspace and any corpus (H001).
  const diagnosed = [
    [path.join(WS, 'articles', 'malformed.txt'), 'Nuit agitée', 'H002', 'malformed-header'],
    [path.join(WS, 'notes', 'draft.txt'), 'Brouillon', 'H001', null],
    [path.join(OUTSIDE, 'header.txt'), 'Note prise', 'H001', null],
  ];
  for (const [file, text, code, screenshot] of diagnosed) {
    await openPath(page, file, text);
    const mode = await modeOf(page, 'Seed');
    check(mode === 'Seed', `${file} is ${JSON.stringify(mode)}, not Seed`);
    const squiggle = page.locator('.editor-instance .squiggly-error').first();
    await squiggle.waitFor({ timeout: 20000 });
    const message = await hoverOn(page, squiggle, code);
    log(`${path.basename(path.dirname(file))}/${path.basename(file)}: Seed, ${code} squiggle (${message.split('\n')[0]})`);
    if (screenshot) await shot(page, screenshot);
  }
  // Plain text outside any corpus stays plain text.
  await openPath(page, path.join(OUTSIDE, 'plain.txt'), 'Just some notes');
  await sleep(1000); // time for the extension to look at it
  const plainMode = await statusText(page, 'status.editor.mode');
  check(plainMode === 'Plain Text', `plain.txt outside any corpus is ${JSON.stringify(plainMode)}`);
  log('plain.txt outside any corpus: Plain Text');

  // The command "New Seed File": the file is created beside the seed file and opened.
  await openFile(page, 'intro.txt', 'nouveau venu');
  const introMode = await modeOf(page, 'Seed');
  check(introMode === 'Seed', `intro.txt (header on line 1) is ${introMode}, not Seed`);
  log('intro.txt detected by its header');
  // "New Seed File" for a URL: the file that appears in notes/ must be named `NNN_<hex>.txt`,
  // hold exactly the header for the URL's date, and be opened.
  const newSeedFile = async (url, date) => {
    const before = new Set(fs.readdirSync(path.join(WS, 'notes')));
    await command(page, 'seedls: New Seed File', { asks: true });
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10000 });
    await page.keyboard.type(url);
    await page.keyboard.press('Enter');
    let created;
    for (let i = 0; i < 100 && !created; i++) {
      created = fs.readdirSync(path.join(WS, 'notes')).find((n) => !before.has(n));
      await sleep(100);
    }
    check(created && /^\d{3}_[0-9a-f]{16}\.txt$/.test(created), `new seed file: ${created}`);
    const content = fs.readFileSync(path.join(WS, 'notes', created), 'utf8');
    check(content === ` date ${date} ${url}\n\n`, `new file header: ${JSON.stringify(content)}`);
    await page.locator('.tab.active', { hasText: created }).waitFor({ timeout: 10000 });
    return created;
  };
  // An older seedls, without `new`: the extension writes the file, with the header `new` writes.
  fs.writeFileSync(noNewFlag, '');
  const created = await newSeedFile('https://example.org/2021/11/30/article', '2021-11-30');
  log(`New Seed File (seedls without \`new\`): ${created} written by the extension, opened`);
  // With `seedls new`: the extension calls it (URL and folder) and opens what it created.
  fs.rmSync(noNewFlag);
  await newSeedFile('https://example.org/2021/12/01/suite', '2021-12-01');
  log('New Seed File (seedls new): called with --url and the folder, file opened');

  // Restart Server: the server comes back (diagnostics of 002 shown again).
  await command(page, 'seedls: Restart Server');
  await sleep(500);
  await shot(page, 'restart');
  await openFile(page, '002_0123456789abcdef.txt', 'Tokaïev');
  await page.locator('.squiggly-error').first().waitFor({ timeout: 20000 });
  await hoverOn(page, editor.locator('.view-line span', { hasText: /^Tokaïev$/ }).first(), 'Kassym-Jomart Tokaïev');
  log('Restart Server: the new server answers hovers and diagnostics');

  // A shipped article, for the extension's README: colours, a hover card, the Problems panel.
  await openFile(page, '000_0e7cf4ddd4e04d16.txt', 'Ankara');
  const ankara = editor.locator('.view-line span', { hasText: /^Ankara$/ }).first();
  const card = await hoverOn(page, ankara, 'gouvernement turc');
  check(card.includes('tr.gov'), `hover on Ankara: ${card}`);
  await shot(page, 'readme');
  log('hover on Ankara in seed 000: gouvernement turc');
}

const watchdog = setTimeout(() => {
  log('FAIL: watchdog: not finished in 150 s');
  process.exit(1);
}, 150000);

main().then(
  () => {
    clearTimeout(watchdog);
    log('PASS');
    process.exit(0);
  },
  (err) => {
    clearTimeout(watchdog);
    log(`FAIL: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
