"""Static checks of the editor set-ups that no editor here runs: the README's Helix
`languages.toml` parses and starts `seedls serve` for `seed`, and every server setting
(src/lsp/settings.rs) is a setting of the VS Code extension, of the Helix snippet and of the
Emacs snippet. Run by tests/editors/run.sh; exits 1 on a mismatch."""

import json
import pathlib
import re
import sys
import tomllib

repo = pathlib.Path(__file__).resolve().parents[2]
readme = (repo / "README.md").read_text(encoding="utf-8")
errors = []


def section_block(title, lang):
    start = readme.index(f"### {title}")
    m = re.compile(rf"^```{lang}\n(.*?)^```$", re.S | re.M).search(readme, start)
    return m.group(1)


settings_rs = (repo / "src/lsp/settings.rs").read_text(encoding="utf-8")
keys = re.search(r"const KEYS: \[&str; \d+\] = \[([^\]]*)\]", settings_rs).group(1)
server_keys = set(re.findall(r'"([A-Za-z]+)"', keys))
if not server_keys:
    errors.append("no server settings found in src/lsp/settings.rs")

helix = tomllib.loads(section_block("Helix", "toml"))
server = helix["language-server"]["seedls"]
if server.get("command") != "seedls" or server.get("args") != ["serve"]:
    errors.append(f"Helix: server command {server}")
langs = [lang for lang in helix["language"] if lang["name"] == "seed"]
if len(langs) != 1 or langs[0].get("language-servers") != ["seedls"]:
    errors.append(f"Helix: language seed {langs}")
if set(server.get("config", {})) != server_keys:
    errors.append(f"Helix config keys {sorted(server.get('config', {}))} != server's {sorted(server_keys)}")

package = json.loads((repo / "editors/vscode/package.json").read_text(encoding="utf-8"))
props = package["contributes"]["configuration"]["properties"]
for key in server_keys:
    # A setting that is an object (`suggestions`) is a group of dotted settings in VS Code.
    if f"seedls.{key}" not in props and not any(p.startswith(f"seedls.{key}.") for p in props):
        errors.append(f"VS Code: no setting seedls.{key}")
if "seedls.path" not in props:
    errors.append("VS Code: no setting seedls.path")

elisp = section_block("Emacs (eglot)", "elisp")
for key in server_keys:
    if f":{key}" not in elisp:
        errors.append(f"Emacs snippet does not set :{key}")

for e in errors:
    print(f"snippets: {e}", file=sys.stderr)
if errors:
    sys.exit(1)
print(f"snippets: Helix, VS Code and Emacs set-ups name every server setting ({', '.join(sorted(server_keys))})", file=sys.stderr)
