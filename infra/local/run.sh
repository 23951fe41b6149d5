#!/usr/bin/env bash
# Runs the whole kratos-sync stack on this machine: a Kafka broker (KRaft), PostgreSQL (data kept in .local/),
# hook-ingest and sync-worker. Needs only a JDK 17+. Ctrl-C stops everything.
# Settings: environment variables, see README "Configuration"; KRATOS_STUB=true adds a stand-in for Kratos;
# KRATOS_CDC=true adds a database with Kratos's real schema, read by change data capture (README "Change data capture").
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "Building (first run downloads dependencies; later runs take seconds)..."
./mvnw -q -B -DskipTests package
exec java -Xmx${LOCAL_STACK_HEAP:-384m} -XX:+UseSerialGC -jar infra/local/target/kratos-sync-local-*-exec.jar
