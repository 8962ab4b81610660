#!/usr/bin/env bash
# Build the sdist and the wheel (from the sdist), install the wheel, not editable, into a fresh
# environment and run the installed program from a folder outside the checkout: the CLI, the
# completion scripts and the app started headless to its day view. A stylesheet, script or data
# file missing from the wheel (or from the sdist) fails here, as it would for a user's pipx install.
#     bash scripts/smoke_wheel.sh        (uses .venv's Python, which has `build`: see test.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=$root/.venv/bin/python
work=$(mktemp -d "${TMPDIR:-/tmp}/journal-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "smoke: $*" >&2; exit 1; }

echo "smoke: building the sdist and the wheel"
# from a clean copy of the tree: a *.egg-info left in the checkout (pip install -e makes one) lists
# the files of an earlier configuration, and setuptools would put them in the sdist regardless
mkdir "$work/src"
tar -C "$root" --exclude=./.git --exclude=./.venv --exclude='*.egg-info' --exclude=./build \
    --exclude=./dist --exclude=./bench/out --exclude=__pycache__ --exclude=.pytest_cache \
    --exclude=.ruff_cache --exclude=.hypothesis -cf - . | tar -C "$work/src" -xf -
"$python" -m build --no-isolation --outdir "$work/dist" "$work/src" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "the build failed"; }
# setuptools' deprecations (a license given as a TOML table was one) stop working on a set date
deprecated='^WARNING |you need to update your project'
if grep -qE "$deprecated" "$work/build.log"; then
    grep -E -A6 "$deprecated" "$work/build.log"
    fail "the build warned of something deprecated in the project's configuration"
fi
wheel=$(ls "$work"/dist/*.whl)
sdist=$(ls "$work"/dist/*.tar.gz)
echo "smoke: $(basename "$sdist") $(basename "$wheel")"
# everything the package reads besides Python must be in both
"$python" -m zipfile -l "$wheel" | awk '{print $1}' >"$work/wheel.txt"
tar -tzf "$sdist" | sed 's|^[^/]*/||' >"$work/sdist.txt"
for data in journal/app/app.tcss journal/completion/journal.bash journal/completion/journal.zsh \
        journal/completion/journal.fish LICENSE CHANGELOG.md; do
    case $data in journal/*) grep -qx "$data" "$work/wheel.txt" || fail "$data is missing from the wheel" ;; esac
    grep -qx "$data" "$work/sdist.txt" || fail "$data is missing from the sdist"
done

echo "smoke: installing the wheel into a fresh environment"
python3 -m venv --without-pip "$work/venv"
"$python" -m pip --python "$work/venv/bin/python" install --quiet --disable-pip-version-check \
    "$wheel" 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" || true; }
bin=$work/venv/bin

cd "$work"  # nothing from the checkout can be imported from here
export JOURNAL_FILE=$work/data/journal.json HOME=$work/home
mkdir -p "$HOME"
version=$("$bin/python" -I -c "import journal; print(journal.__version__)")
where=$("$bin/python" -I -c "import journal; print(journal.__file__)")
[[ $where == "$work/venv/"* ]] || fail "journal was imported from $where, not the installed wheel"
[[ $("$bin/journal" --version) == "journal $version" ]] || fail "journal --version"
[[ $("$bin/journal-crm" --version) == "journal-crm $version" ]] || fail "journal-crm --version"
[[ $("$bin/python" -I -m journal --version) == "journal $version" ]] || fail "python -m journal"

"$bin/journal" add "Smoke visit 拜访" -c 张伟 -o 工商银行 -d 2026-11-23 -t 09:30 >/dev/null 2>&1 ||
    fail "journal add"
"$bin/journal" search 张伟 | grep -q "Smoke visit 拜访" || fail "journal search"
"$bin/journal" week 2026-11-23 | grep -q "Smoke visit 拜访" || fail "journal week"
"$bin/journal" doctor | grep -q "^journal $version " || fail "journal doctor"
for shell in bash zsh fish; do
    "$bin/journal" completion "$shell" | grep -q _JOURNAL_COMPLETE || fail "journal completion $shell"
done
names=$(_JOURNAL_COMPLETE=bash _JOURNAL_COMPLETE_CWORD=4 \
        _JOURNAL_COMPLETE_WORDS=$'journal\x1fadd\x1fx\x1f-c\x1fzhang' "$bin/journal")
[[ $names == $'words\n张伟' ]] || fail "completion of a contact's name gave: $names"
echo "smoke: CLI and completion work from the wheel"

cp "$root/scripts/smoke_app.py" "$work/smoke_app.py"
"$bin/python" -I "$work/smoke_app.py" "$JOURNAL_FILE" 2026-11-23 "Smoke visit 拜访"
echo "smoke: passed"
