#!/usr/bin/env bash
# The suite's wall time against issue 18's filing, on the same tests: the tests of 2d8bba3 that still exist under
# the same node id, run at that commit and here, alternated (the README's test command, given the ids).
#   bash bench/bench_suite_filing.sh [rounds]     # makes /tmp/kdweb-filing (worktree + venv) the first time
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd); filing=/tmp/kdweb-filing; rounds=${1:-2}
if [ ! -d "$filing" ]; then
  git -C "$here" worktree add --detach "$filing" 2d8bba3
  (cd "$filing" && python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]')
fi
ids() { (cd "$1" && .venv/bin/pytest --collect-only -p no:xdist 2>/dev/null | grep '::' | sort); }
mapfile -t common < <(comm -12 <(ids "$filing") <(ids "$here"))
echo "${#common[@]} tests of the filing still exist under the same node id"
for round in $(seq 1 "$rounds"); do
  for tree in "$filing" "$here"; do
    echo "round $round, $tree, $(uptime)"
    (cd "$tree" && /usr/bin/time -f "%e s wall %U user %S sys" .venv/bin/pytest -p no:cacheprovider "${common[@]}" 2>&1 | tail -2)
  done
done
