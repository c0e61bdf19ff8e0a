// The seedls extension: starts `seedls serve` for seed files and registries, passes the user's
// settings to it, and adds two commands (new seed file, restart server).

import * as cp from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

/** The server settings of README "Language server", as the `seedls` section. */
function serverSettings(): { untaggedAliasHints: boolean; inlayHints: boolean } {
  const config = vscode.workspace.getConfiguration('seedls');
  return {
    untaggedAliasHints: config.get<boolean>('untaggedAliasHints', true),
    inlayHints: config.get<boolean>('inlayHints', true),
  };
}

/** `seedls.path` with `~` and `${workspaceFolder}` expanded; `seedls` (on PATH) when empty. */
export function serverPath(): string {
  const configured = (vscode.workspace.getConfiguration('seedls').get<string>('path') ?? '').trim();
  if (!configured) {
    return 'seedls';
  }
  let p = configured.replace(/^~(?=$|[\\/])/, os.homedir());
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    p = p.replace(/\$\{workspaceFolder\}/g, folder);
  }
  return p;
}

function createClient(): LanguageClient {
  const command = serverPath();
  // No `transport`: with TransportKind.stdio the client would append `--stdio`.
  const serverOptions: ServerOptions = { command, args: ['serve'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'seed' },
      // Registries and the schema: hover and code lenses on rows, diagnostics.
      { scheme: 'file', pattern: '**/{entities.tsv,*.entities.tsv,schema.tsv}' },
    ],
    initializationOptions: { seedls: serverSettings() },
    outputChannel: output,
    // The server reads settings from workspace/configuration and didChangeConfiguration.
    synchronize: { configurationSection: 'seedls' },
  };
  return new LanguageClient('seedls', 'seedls', serverOptions, clientOptions);
}

async function startClient(): Promise<void> {
  client = createClient();
  client.onDidChangeState((e) => {
    void vscode.commands.executeCommand('setContext', 'seedls.serverStarted', e.newState === State.Running);
  });
  try {
    await client.start();
  } catch (err) {
    const action = await vscode.window.showErrorMessage(
      `seedls: could not start the language server (${serverPath()}): ${String(err)}. ` +
        'Install seedls (cargo install --path .) or set "seedls.path".',
      'Open Settings',
    );
    if (action === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'seedls.path');
    }
  }
}

async function restartServer(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(5000);
    } catch {
      // A server that died already: start a new one anyway.
    }
  }
  await startClient();
}

// ---------------------------------------------------------------------------------------------
// New seed file.

/** The date in a URL (`/20220105/`, `/2022/01/05/`, `2022-01-05`), as YYYY-MM-DD, or YYYY-MM
 * when the URL has no day: what `seedls new` writes. */
export function dateFromUrl(url: string): string | undefined {
  const patterns = [
    /\/((?:19|20)\d{2})(0[1-9]|1[0-2])([0-3]\d)?(?=[/._-])/,
    /\/((?:19|20)\d{2})\/(0[1-9]|1[0-2])\/(?:([0-3]\d)(?=[/._-]|$))?/,
    /((?:19|20)\d{2})-(0[1-9]|1[0-2])-([0-3]\d)/,
  ];
  for (const re of patterns) {
    const m = re.exec(url);
    if (m) {
      return m[3] ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}`;
    }
  }
  return undefined;
}

/** The header line of a new seed file. */
export function header(url: string | undefined, now = new Date()): string {
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  const date = (url && dateFromUrl(url)) || month;
  return url ? ` date ${date} ${url}` : ` date ${date}`;
}

/** The next `NNN_<16 hex>.txt` name in a folder. */
export function nextSeedName(existing: string[]): string {
  let next = 0;
  for (const name of existing) {
    const m = /^(\d+)_[^/]*\.txt$/.exec(name);
    if (m) {
      next = Math.max(next, Number(m[1]) + 1);
    }
  }
  return `${String(next).padStart(3, '0')}_${crypto.randomBytes(8).toString('hex')}.txt`;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; spawnError?: Error }> {
  return new Promise((resolve) => {
    cp.execFile(command, args, { cwd, timeout: 20000 }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') {
        resolve({ code: null, stdout, stderr, spawnError: e });
      } else {
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      }
    });
  });
}

/** Where a new seed file goes: the active seed file's folder, else a workspace `seeds` folder. */
function defaultFolder(): string | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && active.languageId === 'seed') {
    return path.dirname(active.uri.fsPath);
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    return undefined;
  }
  const seeds = path.join(folder, 'seeds');
  return fs.existsSync(seeds) ? seeds : folder;
}

async function newSeedFile(): Promise<vscode.Uri | undefined> {
  let dir = defaultFolder();
  if (!dir) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Create the seed file here' });
    if (!picked?.length) {
      return undefined;
    }
    dir = picked[0].fsPath;
  }
  const url = await vscode.window.showInputBox({
    title: 'New seed file',
    prompt: `Source URL of the article (optional); the file goes in ${dir}`,
    placeHolder: 'https://…',
    validateInput: (v) => (v.trim() === '' || /^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http:// or https:// URL without spaces, or nothing'),
  });
  if (url === undefined) {
    return undefined; // cancelled
  }
  const source = url.trim() || undefined;
  const before = new Set(fs.readdirSync(dir));

  // `seedls new [--url URL] [DIR]` when this seedls has it; else the extension writes the file.
  const args = ['new', ...(source ? ['--url', source] : []), dir];
  const result = await run(serverPath(), args, dir);
  let created: string | undefined;
  if (result.code === 0) {
    created = fs.readdirSync(dir).find((n) => !before.has(n) && n.endsWith('.txt'));
    if (!created) {
      const named = result.stdout.split(/\r?\n/).map((l) => l.trim()).reverse().find((l) => l.endsWith('.txt'));
      if (named && fs.existsSync(path.resolve(dir, named))) {
        created = path.resolve(dir, named);
      }
    }
  } else {
    const unsupported = result.spawnError !== undefined || /unrecognized subcommand|unexpected argument|invalid (sub)?command|unknown command/i.test(result.stderr);
    if (!unsupported) {
      void vscode.window.showErrorMessage(`seedls new failed: ${result.stderr.trim() || `exit status ${result.code}`}`);
      return undefined;
    }
    output?.appendLine(`seedls new is not available (${result.spawnError?.message ?? result.stderr.trim()}); writing the file here.`);
    const name = nextSeedName([...before]);
    const file = path.join(dir, name);
    try {
      // `wx`: never overwrite.
      fs.writeFileSync(file, `${header(source)}\n\n`, { flag: 'wx' });
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not create ${file}: ${String(err)}`);
      return undefined;
    }
    created = file;
  }
  if (!created) {
    void vscode.window.showErrorMessage('seedls new succeeded but the new file was not found.');
    return undefined;
  }
  const uri = vscode.Uri.file(path.resolve(dir, created));
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'seed') {
    await vscode.languages.setTextDocumentLanguage(doc, 'seed');
  }
  const editor = await vscode.window.showTextDocument(doc);
  const line = Math.min(2, doc.lineCount - 1);
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return uri;
}

// ---------------------------------------------------------------------------------------------

/** What line 1 of a seed file starts like, well-formed or not (` date 2022-01 …`, `Date:`,
 * ` date 2022/01 …`): such a `.txt` is a seed file, so that a malformed header is diagnosed. */
export const HEADER_LIKE = /^\s*[Dd]ate\b/;

/** Registries and the schema: the server reads them as part of the corpus. */
export function isCorpusTable(name: string): boolean {
  return name === 'entities.tsv' || name.endsWith('.entities.tsv') || name === 'schema.tsv';
}

/** The files that make a folder, and every folder below it, a corpus. */
export function isCorpusMarker(name: string): boolean {
  return name === '.seedls.json' || isCorpusTable(name);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file);
    return true;
  } catch {
    return false;
  }
}

/** What listing a folder found (a `*.entities.tsv`), with the folder's modification time: a
 * folder of 100,000 articles takes a good part of a second to list, and its time changes when a
 * file is added, removed or renamed in it. */
const listed = new Map<string, { mtimeMs: number; found: boolean }>();

async function holdsRegistryPattern(dir: string): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.promises.stat(dir)).mtimeMs;
  } catch {
    return false;
  }
  const seen = listed.get(dir);
  if (seen && seen.mtimeMs === mtimeMs) {
    return seen.found;
  }
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const found = names.some(isCorpusMarker);
  listed.set(dir, { mtimeMs, found });
  return found;
}

/**
 * Whether a file is in or below a corpus folder: one of its folders, up to the workspace folder
 * that holds it (the file system's root for a file outside every workspace folder), holds
 * `.seedls.json`, a registry or a schema. Fixed names are looked for first, all the way up;
 * folders are listed (for `*.entities.tsv`) only when none is found.
 */
export async function inCorpus(file: string): Promise<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  const top = folder?.uri.scheme === 'file' ? path.resolve(folder.uri.fsPath) : undefined;
  const dirs: string[] = [];
  for (let dir = path.dirname(path.resolve(file)); ; ) {
    dirs.push(dir);
    const parent = path.dirname(dir);
    if (dir === top || parent === dir) {
      break;
    }
    dir = parent;
  }
  for (const dir of dirs) {
    const found = await Promise.all(['.seedls.json', 'entities.tsv', 'schema.tsv'].map((n) => exists(path.join(dir, n))));
    if (found.some((f) => f)) {
      return true;
    }
  }
  for (const dir of dirs) {
    if (await holdsRegistryPattern(dir)) {
      return true;
    }
  }
  return false;
}

/** Whether a plain-text document is a seed file (SPEC "Editors"). */
async function isSeed(doc: vscode.TextDocument): Promise<boolean> {
  if (!/\.txt$/i.test(doc.fileName) || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) {
    return false;
  }
  if (doc.lineCount > 0 && HEADER_LIKE.test(doc.lineAt(0).text)) {
    return true;
  }
  if (doc.uri.scheme !== 'file') {
    return false;
  }
  return /[\\/]seeds[\\/][^\\/]+$/.test(doc.uri.fsPath) || (await inCorpus(doc.uri.fsPath));
}

let starting: Promise<void> | undefined;

function ensureStarted(): Promise<void> {
  starting ??= startClient();
  return starting;
}

/**
 * `*.txt` is Plain Text in VS Code, and an extension association beats the `firstLine` of a
 * contributed language (and no `filenamePatterns` can say "below a folder holding a registry"):
 * a seed `.txt` is switched to `seed` here. The server starts with the first seed document, or
 * registry or schema.
 */
async function onDocument(doc: vscode.TextDocument): Promise<void> {
  if (doc.languageId === 'plaintext' && (await isSeed(doc)) && !doc.isClosed) {
    try {
      doc = await vscode.languages.setTextDocumentLanguage(doc, 'seed');
    } catch (err) {
      // Closed meanwhile: it will be looked at again when it is opened.
      output?.appendLine(`could not set the language of ${doc.uri.toString()}: ${String(err)}`);
      return;
    }
  }
  if (doc.languageId === 'seed' || (doc.uri.scheme === 'file' && isCorpusTable(path.basename(doc.uri.fsPath)))) {
    await ensureStarted();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('seedls');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('seedls.restartServer', async () => {
      starting = restartServer();
      await starting;
    }),
    vscode.commands.registerCommand('seedls.newSeedFile', async () => {
      const uri = await newSeedFile();
      if (uri) {
        await ensureStarted();
      }
      return uri;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('seedls.path') && starting) {
        starting = restartServer();
      }
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => void onDocument(doc)),
  );
  for (const doc of vscode.workspace.textDocuments) {
    await onDocument(doc);
  }
  // A corpus (registry, schema or settings file) in the workspace: start now, so that registries
  // get their hovers and lenses and the workspace's problems are listed.
  if (!starting) {
    const corpus = await vscode.workspace.findFiles('**/{entities.tsv,*.entities.tsv,schema.tsv,.seedls.json}', '**/node_modules/**', 1);
    if (corpus.length > 0) {
      await ensureStarted();
    }
  }
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
