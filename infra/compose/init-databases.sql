-- one PostgreSQL server, two databases: Kratos's own and the application's
CREATE USER kratos WITH PASSWORD 'kratos';
CREATE DATABASE kratos OWNER kratos;
CREATE USER kratos_sync WITH PASSWORD 'kratos_sync';
CREATE DATABASE kratos_sync OWNER kratos_sync;
