#!/usr/bin/env bash
# Benchmarks of every stage beside the limits of this machine, measured in the same run (loopback only).
# Prints a table, writes JSON and a chart (throughput against p99 latency). Knobs (README "Performance"):
# BENCH_SWEEP_CONCURRENCY (1,8,32,128,512), BENCH_SWEEP_SECONDS (2), BENCH_SWEEP_ROUNDS (2),
# BENCH_SWEEP_TARGETS (ingest,trivial,sting,producer), BENCH_WARMUP_SECONDS (80), BENCH_STING_THREADS (32),
# BENCH_EVENTS (200000), BENCH_LATENCY_SECONDS (15), BENCH_INGEST_HEAP (128m), BENCH_WORKER_HEAP (96m),
# BENCH_STAGES (ingest,worker,inbox,cdc), BENCH_CDC_IDENTITIES (5000), BENCH_CDC_RATE (50), BENCH_CDC_SECONDS (20),
# BENCH_PG_SHARED_BUFFERS, BENCH_PROFILE (a directory for JFR files), BENCH_INGEST_JAR / BENCH_WORKER_JAR (another
# build to compare), SERVICE_JVM_OPTIONS (added to each service's JVM). Takes about 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
# The bench JVM hosts the Kafka broker and the load generator: G1 with room, so that its own pauses do not show
# up as the services' latency.
exec java -Xmx${BENCH_HEAP:-2g} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -jar infra/local/target/kratos-sync-local-*-exec.jar bench
