# Shared by scripts/run and scripts/test: a virtualenv in .venv with the pinned requirements.
venv_install() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
  local stamp=".venv/.installed-$(cat "$@" requirements.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    python -m pip install --quiet --upgrade pip
    python -m pip install --quiet -r "$1"
    touch "$stamp"
  fi
}
