#!/usr/bin/env bash
# Whole-process CPU time (user+sys), wall time and peak RSS of listing 20,000 users from a local mock Okta org,
# for this crate's examples/list_users (release), the official Okta Node.js SDK (benches/peers/list_users.js) and the
# official Okta Python SDK (benches/peers/list_users.py); then the peak RSS of our example at 10,000 and 200,000 users.
#
#   bash benches/peers/run.sh
#
# Each client is a process of its own under /usr/bin/time (user s, sys s, max RSS KiB, wall s): the mock org's own
# CPU is not in the figures. Runs alternate between clients (RUNS rounds, the order rotating each round); medians are
# printed. Every run must print `total: N` on stderr, and the sorted stdout (`<id> <login>` per user) must hash the
# same for all clients. The peers' SDKs are installed outside the repo, in $PEERS_DIR (default /tmp/peers), unless
# already there; a peer that cannot be installed or run is reported, with its figures from last_measured.tsv if any.
#
# Env: CARGO_TARGET_DIR (default /tmp/peer-target), PEERS_DIR (/tmp/peers), RUNS (5), USERS (20000), NO_BUILD (set:
# use the examples already built there).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-/tmp/peer-target}
PEERS=${PEERS_DIR:-/tmp/peers}
RUNS=${RUNS:-5}
USERS=${USERS:-20000}
EX="$TARGET/release/examples"
WORK=$(mktemp -d)
MOCK_PIDS=()
cleanup() {
  for p in "${MOCK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "$*" >&2; }

# --- build ours -------------------------------------------------------------------------------------------------
if [ -z "${NO_BUILD:-}" ]; then
  say "== building examples (release) into $TARGET"
  (cd "$ROOT" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$TARGET" \
    cargo build --release --features mock --example mock_org --example list_users)
fi

# --- set up peers (outside the repo) ----------------------------------------------------------------------------
declare -A CMD NOTE
CLIENTS=(ours)
CMD[ours]="$EX/list_users"
NOTE[ours]="okta-management $(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1) (examples/list_users)"

if command -v node >/dev/null && command -v npm >/dev/null; then
  SDK="$PEERS/node/node_modules/@okta/okta-sdk-nodejs"
  if [ ! -f "$SDK/package.json" ]; then
    say "== installing @okta/okta-sdk-nodejs into $PEERS/node"
    mkdir -p "$PEERS/node"
    (cd "$PEERS/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
      npm install --no-audit --no-fund --silent @okta/okta-sdk-nodejs@latest >&2) || say "!! node SDK install failed"
  fi
  if [ -f "$SDK/package.json" ]; then
    CLIENTS+=(node)
    CMD[node]="env NODE_PATH=$PEERS/node/node_modules node $HERE/list_users.js"
    NOTE[node]="@okta/okta-sdk-nodejs $(node -p "require('$SDK/package.json').version"), node $(node --version)"
  else NOTE[node]="not installed"; fi
else NOTE[node]="no node/npm on this machine"; fi

if command -v python3 >/dev/null; then
  PY="$PEERS/py/bin/python"
  if ! "$PY" -c 'import okta' 2>/dev/null; then
    say "== installing okta (PyPI) into $PEERS/py"
    { python3 -m venv "$PEERS/py" && "$PY" -m pip install -q okta >&2; } || say "!! python SDK install failed"
  fi
  if "$PY" -c 'import okta' 2>/dev/null; then
    CLIENTS+=(python)
    CMD[python]="$PY $HERE/list_users.py"
    NOTE[python]="okta $("$PY" -c 'import importlib.metadata as m; print(m.version("okta"))'), $("$PY" --version)"
  else NOTE[python]="not installed"; fi
else NOTE[python]="no python3 on this machine"; fi

# --- mock orgs --------------------------------------------------------------------------------------------------
# start_mock N FILE: starts a mock org with N users, waits for its two env lines in FILE.
start_mock() {
  : >"$2"
  "$EX/mock_org" --users "$1" >"$2" 2>"$2.err" &
  MOCK_PIDS+=($!)
  for _ in $(seq 600); do [ "$(wc -l <"$2")" -ge 2 ] && return 0; sleep 0.1; done
  say "!! mock org did not start: $(cat "$2.err")"; exit 1
}
# with_org FILE CMD...: runs CMD with the org's URL and token (and both SDKs' http switches) in its env.
with_org() {
  local f=$1; shift
  env $(head -2 "$f") OKTA_TESTING_DISABLEHTTPSCHECK=true OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true "$@"
}
# measure TAG ORGFILE CMD: one timed run; `user sys maxrss_kib wall` in $WORK/TAG.time, outputs beside it.
measure() {
  local tag=$1 org=$2; shift 2
  with_org "$org" /usr/bin/time -f '%U %S %M %e' -o "$WORK/$tag.time" $1 >"$WORK/$tag.out" 2>"$WORK/$tag.err"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# --- 1. listing USERS users: ours vs peers ------------------------------------------------------------------------
start_mock "$USERS" "$WORK/org.env"
say "== $USERS users, $RUNS rounds: ${CLIENTS[*]}"
declare -A FAILED HASH
for r in $(seq "$RUNS"); do
  n=${#CLIENTS[@]}
  for k in $(seq 0 $((n - 1))); do
    c=${CLIENTS[$(( (k + r - 1) % n ))]}
    [ -n "${FAILED[$c]:-}" ] && continue
    st=0; measure "$c.$r" "$WORK/org.env" "${CMD[$c]}" || st=$?
    if [ "$st" != 0 ]; then
      FAILED[$c]="exit status $st: $(grep . "$WORK/$c.$r.err" | tail -1)"
    elif ! grep -qx "total: $USERS" "$WORK/$c.$r.err"; then
      FAILED[$c]="wrong total: $(grep 'total:' "$WORK/$c.$r.err" || tail -1 "$WORK/$c.$r.err")"
    else
      h=$(sort "$WORK/$c.$r.out" | sha256sum | cut -c1-16)
      [ "${HASH[$c]:-$h}" = "$h" ] || FAILED[$c]="output differs between its own runs"
      HASH[$c]=$h
      say "   round $r $c: $(cat "$WORK/$c.$r.time") (user sys maxrss_kib wall), sorted stdout $h"
    fi
    if [ -n "${FAILED[$c]:-}" ]; then say "!! $c failed: ${FAILED[$c]}"; fi
  done
done
if [ -n "${FAILED[ours]:-}" ]; then say "!! our example failed, stopping"; exit 1; fi
for c in "${CLIENTS[@]}"; do
  if [ -z "${FAILED[$c]:-}" ] && [ "${HASH[$c]}" != "${HASH[ours]}" ]; then
    FAILED[$c]="sorted stdout hash ${HASH[$c]} differs from ours (${HASH[ours]})"
  fi
done

# Medians per client: cpu (user+sys s), wall s, max RSS MiB.
declare -A CPU WALL RSS
for c in "${CLIENTS[@]}"; do
  [ -n "${FAILED[$c]:-}" ] && continue
  CPU[$c]=$(cat "$WORK/$c".*.time | awk '{print $1 + $2}' | median)
  WALL[$c]=$(cat "$WORK/$c".*.time | awk '{print $4}' | median)
  RSS[$c]=$(cat "$WORK/$c".*.time | awk '{print $3 / 1024}' | median)
done

echo
echo "Listing $USERS users (limit 200), median of $RUNS runs; ratios are peer / ours."
echo
echo "| client | CPU user+sys (s) | wall (s) | max RSS (MiB) | CPU ratio | wall ratio | RSS ratio | version |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for c in ours node python; do
  if [ -n "${CPU[$c]:-}" ]; then
    awk -v c="$c" -v cpu="${CPU[$c]}" -v wall="${WALL[$c]}" -v rss="${RSS[$c]}" -v n="${NOTE[$c]}" \
      -v oc="${CPU[ours]}" -v ow="${WALL[ours]}" -v orss="${RSS[ours]}" \
      'function r(a, b) {return b > 0 ? sprintf("%.1fx", a / b) : "n/a"}
       BEGIN {printf "| %s | %.3f | %.3f | %.1f | %s | %s | %s | %s |\n", c, cpu, wall, rss, r(cpu, oc), r(wall, ow), r(rss, orss), n}'
  else
    why=${FAILED[$c]:-${NOTE[$c]}}
    last=$(awk -F'\t' -v c="$c" '$1 == c {print "last measured " $2 ": CPU " $3 " s, wall " $4 " s, RSS " $5 " MiB (" $6 ")"}' \
      "$HERE/last_measured.tsv" 2>/dev/null || true)
    echo "| $c | – | – | – | – | – | – | not measured: ${why//|//}${last:+; $last} |"
  fi
done

# --- 2. our peak RSS at 10,000 vs 200,000 users --------------------------------------------------------------------
say "== peak RSS of ours at 10000 and 200000 users, $RUNS rounds"
kill "${MOCK_PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; MOCK_PIDS=()
start_mock 10000 "$WORK/org10k.env"
start_mock 200000 "$WORK/org200k.env"
for r in $(seq "$RUNS"); do
  for n in 10k 200k; do
    measure "rss$n.$r" "$WORK/org$n.env" "${CMD[ours]}" || true
    want=$([ "$n" = 10k ] && echo 10000 || echo 200000)
    grep -qx "total: $want" "$WORK/rss$n.$r.err" || { say "!! ours at $n: $(tail -1 "$WORK/rss$n.$r.err")"; exit 1; }
    say "   round $r ours@$n: $(cat "$WORK/rss$n.$r.time")"
  done
done
r10=$(cat "$WORK"/rss10k.*.time | awk '{print $3}' | median)
r200=$(cat "$WORK"/rss200k.*.time | awk '{print $3}' | median)
echo
echo "Peak RSS of examples/list_users, median of $RUNS runs:"
awk -v a="$r10" -v b="$r200" 'BEGIN {printf "10,000 users: %d KiB; 200,000 users: %d KiB; growth %+.1f%%\n", a, b, (b - a) * 100 / a}'
