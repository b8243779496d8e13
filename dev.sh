#!/usr/bin/env bash
# The project's two entry points, usable on a fresh machine with Python 3.11 and apt:
#   ./dev.sh serve   set everything up, build the shipped glossary and serve it locally
#   ./dev.sh test    set everything up (chromium, Node.js) and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"
export NO_MKDOCS_2_WARNING=1
PYTHON=${PYTHON:-python3}

need_python() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    if command -v python3.11 >/dev/null; then PYTHON=python3.11; else
      echo "dev.sh: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 2; fi
  fi
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

setup_python() {
  need_python
  if ! "$PYTHON" -m venv --help >/dev/null 2>&1; then apt_install python3-venv; fi
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  # reinstall only when the dependency files change
  local stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
    rm -f .venv/.installed-*; touch "$stamp"
  fi
  # The project's own modules compiled, as pip compiles every dependency it installs: each
  # `glossary build` starts two interpreters, and where PYTHONDONTWRITEBYTECODE is set
  # they would compile the generator from source every time (0.15 s each).
  .venv/bin/python -m compileall -q generator >/dev/null
}

setup_browser() {
  command -v chromium >/dev/null || apt_install chromium
}

# Node.js runs the vendored KaTeX so the validator rejects LaTeX the site could not render
setup_node() {
  command -v node >/dev/null || apt_install nodejs
}

case "${1:-}" in
  serve)
    shift
    setup_python
    setup_node
    .venv/bin/glossary build
    echo "Serving the Leverage Glossary (Ctrl+C stops); the address is on the 'Serving on' line below"
    exec .venv/bin/glossary serve "$@"
    ;;
  test)
    shift
    setup_python
    setup_node
    setup_browser
    exec .venv/bin/python -m pytest "$@"
    ;;
  setup)
    setup_python
    setup_node
    setup_browser
    ;;
  *)
    echo "usage: ./dev.sh serve | test [pytest options] | setup" >&2
    exit 2
    ;;
esac
