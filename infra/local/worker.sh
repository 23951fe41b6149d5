#!/usr/bin/env bash
# Runs one of the worker's commands against the local stack (./infra/local/run.sh): replay, rebuild, reconcile, dlt.
#   ./infra/local/worker.sh --help
#   ./infra/local/worker.sh rebuild --compare
#   ./infra/local/worker.sh replay --from earliest --identity <id> --dry-run
#   ./infra/local/worker.sh dlt list
#   ./infra/local/worker.sh reconcile --once --dry-run
# It reads the same settings as the service (DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD,
# KAFKA_BOOTSTRAP_SERVERS, KRATOS_ADMIN_URL); the defaults below are the local stack's. The exit code is the command's.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=$(ls sync-worker/target/sync-worker-*-exec.jar 2>/dev/null | head -1 || true)
if [ -z "$jar" ]; then
  ./mvnw -q -B -DskipTests package >&2
  jar=$(ls sync-worker/target/sync-worker-*-exec.jar | head -1)
fi
export DATABASE_URL="${DATABASE_URL:-jdbc:postgresql://127.0.0.1:${POSTGRES_PORT:-15432}/kratos_sync}"
export DATABASE_USER="${DATABASE_USER:-postgres}"
export DATABASE_PASSWORD="${DATABASE_PASSWORD:-postgres}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export KRATOS_ADMIN_URL="${KRATOS_ADMIN_URL:-http://127.0.0.1:${KRATOS_STUB_PORT:-4434}}"
exec java -Xmx${WORKER_COMMAND_HEAP:-256m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" "$@"
