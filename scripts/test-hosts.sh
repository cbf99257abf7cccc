#!/usr/bin/env bash
# The host matrix (tests/hosts): each host runs consumer/check.js against the packed tarball.
#   bash scripts/test-hosts.sh           every host (make test-hosts; CI)
#   bash scripts/test-hosts.sh --subset  the representative few that scripts/test.sh runs:
#                                        Node 18/20/22 plain and bundled (esbuild, webpack),
#                                        Next.js 16 (Turbopack), Workers (workerd), Vite 7 dev
# Figures per host (bytes shipped, cold time to first verification, warm time per verification)
# go to tests/artifacts/hosts.jsonl and are printed as a table at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

bash scripts/pack.sh tests/hosts
mkdir -p tests/artifacts
rm -f tests/artifacts/hosts.jsonl
rm -rf tests/artifacts/hosts
if [ "${1:-}" = --subset ]; then
    files=(tests/hosts/node.test.mjs tests/hosts/workerd.test.mjs tests/hosts/vite.test.mjs tests/hosts/next.test.mjs tests/hosts/next-example.test.mjs)
    export HOSTS_SUBSET=1
else
    files=(tests/hosts/*.test.mjs)
    export HOSTS_ALL=1
fi
# One file at a time: the builds (next, wrangler, vite) each want both cores.
status=0
node --test --test-concurrency=1 "${files[@]}" || status=$?
node tests/hosts/report.mjs tests/artifacts/hosts.jsonl
exit "$status"
