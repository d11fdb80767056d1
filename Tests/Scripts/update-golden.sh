#!/usr/bin/env bash
# Regenerates the golden outputs in Tests/Golden/ from the built binary. Run only on purpose,
# after checking that the new output is right: `git diff Tests/Golden` is the review.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
nomen=${NOMEN:-$root/.build/debug/nomen}
export NO_COLOR=1 NOMEN_RULES=$root/rules/zl-warehouse.yaml
cd "$root/examples/legacy-repo"
"$nomen" lint --today 2026-11-27 --format json . > "$root/Tests/Golden/legacy-repo.lint.json" || true
"$nomen" lint --today 2026-11-27 . > "$root/Tests/Golden/legacy-repo.lint.txt" || true
"$nomen" rewrite --today 2026-11-27 . > "$root/Tests/Golden/legacy-repo.patch" 2> "$root/Tests/Golden/legacy-repo.rewrite.stderr" || true
echo "updated: $(ls "$root/Tests/Golden")"
