-- Reconcile sweeps against Kratos's Admin API: where a sweep stands (the next page token), so that a worker killed
-- mid-sweep resumes there, and the identities it has seen listed, so that it can tell which stored ones Kratos no
-- longer lists (each confirmed with a GET before it is taken as deleted).
CREATE TABLE reconcile_sweeps (
    id          bigserial   PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    page_token  text,
    pages       integer     NOT NULL DEFAULT 0,
    checked     bigint      NOT NULL DEFAULT 0,
    finished_at timestamptz
);
CREATE TABLE reconcile_seen (
    sweep_id    bigint NOT NULL REFERENCES reconcile_sweeps (id) ON DELETE CASCADE,
    identity_id uuid   NOT NULL,
    PRIMARY KEY (sweep_id, identity_id)
);
