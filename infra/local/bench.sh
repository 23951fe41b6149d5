#!/usr/bin/env bash
# Benchmarks of every stage beside the limits of this machine, measured in the same run (loopback only).
# Prints a table and writes JSON. Knobs (README "Performance"): BENCH_REQUESTS (20000), BENCH_CONCURRENCY (32),
# BENCH_EVENTS (200000), BENCH_LATENCY_SECONDS (20), BENCH_INGEST_HEAP (128m), BENCH_WORKER_HEAP (96m),
# BENCH_WARMUP (20000), BENCH_ROUNDS (8), BENCH_STAGES (ingest,worker,inbox,cdc), BENCH_CDC_IDENTITIES (5000),
# BENCH_CDC_RATE (50), BENCH_CDC_SECONDS (20), BENCH_PROFILE (a directory for JFR files),
# SERVICE_JVM_OPTIONS (added to each service's JVM). Takes about 8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
# The bench JVM hosts the Kafka broker and the load generator: G1 with room, so that its own pauses do not show
# up as the services' latency.
exec java -Xmx${BENCH_HEAP:-2g} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -jar infra/local/target/kratos-sync-local-*-exec.jar bench
