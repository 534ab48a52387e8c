#!/usr/bin/env bash
# Times `seed_demo --tickets 0 --customers N` on a fresh PostgreSQL database.
# Usage: bench/seed_demo.sh [CUSTOMERS]   (default 100000; needs PostgreSQL on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
customers="${1:-100000}"
db=helpdesk_bench_seed
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export DEBUG=1 DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
.venv/bin/python manage.py migrate --noinput -v0
start=$(date +%s.%N)
.venv/bin/python manage.py seed_demo --tickets 0 --customers "$customers" -v1 | head -1
end=$(date +%s.%N)
echo "seed_demo --customers $customers: $(echo "$end - $start" | bc) s wall clock"
start=$(date +%s.%N)
.venv/bin/python manage.py seed_demo --tickets 0 --customers "$customers" -v1 | head -1
end=$(date +%s.%N)
echo "second run (idempotent, nothing to add): $(echo "$end - $start" | bc) s"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"
