-- Application state kept in step with Kratos: one row per identity. Each field carries the time of the change
-- that set it, so that a late or replayed event never overwrites newer state.
CREATE TABLE user_settings (
    identity_id              uuid        PRIMARY KEY,
    force_password_change    boolean     NOT NULL DEFAULT false,
    -- time of the event that last set force_password_change (true or false): the fence of that field
    force_password_change_at timestamptz,
    password_change_reason   text,
    password_changed_at      timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

-- Inbox: one row per applied event, written in the same transaction as the change it made.
CREATE TABLE processed_events (
    event_id     uuid        PRIMARY KEY,
    event_type   text        NOT NULL,
    identity_id  uuid        NOT NULL,
    source_topic text        NOT NULL,
    partition_no integer     NOT NULL,
    record_offset bigint     NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_events_identity ON processed_events (identity_id);

-- Outbox of Kratos Admin API calls, written in the same transaction as the state change that needs them and
-- executed afterwards with retries.
CREATE TABLE kratos_actions (
    id              bigserial   PRIMARY KEY,
    action          text        NOT NULL CHECK (action IN ('revoke_sessions')),
    identity_id     uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    UNIQUE (event_id, action)
);
CREATE INDEX kratos_actions_due ON kratos_actions (next_attempt_at) WHERE status = 'pending';
