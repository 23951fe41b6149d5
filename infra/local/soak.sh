#!/usr/bin/env bash
# A bounded soak run on this machine only (loopback): sends SOAK_WEBHOOKS webhooks (default 100000) with
# duplicates mixed in, injects faults (worker killed and restarted twice, broker restarted, Kratos failing) and
# prints what was acknowledged, applied, suppressed, lost (must be 0) and applied twice (must be 0).
# Knobs: SOAK_WEBHOOKS, SOAK_CONCURRENCY (16), SOAK_DUPLICATE_PERCENT (10), SOAK_REQUIREMENT_PERCENT (2),
# SOAK_INGESTS (1) and SOAK_WORKERS (1): several instances of each (webhooks sent round-robin, one consumer group);
# with more than one ingest, one ingest is killed instead of the second worker kill.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
exec java -Xmx${SOAK_HEAP:-512m} -XX:+UseSerialGC -jar infra/local/target/kratos-sync-local-*-exec.jar soak
