-- one PostgreSQL server, two databases: Kratos's own and the application's
-- kratos may also replicate: hook-ingest's change data capture reads Kratos's WAL as the owner of its tables, so it can
-- create the publication and set REPLICA IDENTITY FULL itself (README "Change data capture" has the SQL for a separate,
-- least-privilege replication role)
CREATE USER kratos WITH PASSWORD 'kratos' REPLICATION;
CREATE DATABASE kratos OWNER kratos;
CREATE USER kratos_sync WITH PASSWORD 'kratos_sync';
CREATE DATABASE kratos_sync OWNER kratos_sync;
