-- The next offset of each partition, stored in the transaction that applied the records before it: the state
-- and the position in the topic that produced it can never disagree, so a restored backup re-applies exactly
-- what it lacks (Kafka's committed offsets are only a convenience).
-- topic_id is Kafka's id of the topic: offsets of a topic that was deleted and created again (or of another cluster)
-- mean nothing for the new one.
CREATE TABLE consumer_offsets (
    topic        text        NOT NULL,
    partition_no integer     NOT NULL,
    topic_id     text        NOT NULL,
    next_offset  bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition_no)
);

-- The inbox is written on every event and only read by its primary key: every other index costs each insert. The
-- index by identity was read by nothing; pruning by age reads a BRIN index, which the time-ordered inserts keep
-- small and cheap (the bench's inbox stage measures the insert rate as the table grows).
DROP INDEX processed_events_identity;
CREATE INDEX processed_events_processed_at ON processed_events USING brin (processed_at);

-- One clock per decision: the requirement in force, and Kratos's own time of the identity's password credential
-- when it was made; only a password change that Kratos made later satisfies it.
ALTER TABLE user_settings
    ADD COLUMN password_change_event_id uuid,
    ADD COLUMN required_password_set_at timestamptz;

-- Owned leases: a claim writes its token, and only the holder of the token records the outcome. An action runs
-- once its partition has been applied up to the end it had when the action was written (due_offset), and only
-- while the requirement that queued it is still in force.
ALTER TABLE kratos_actions
    ADD COLUMN lease_token  uuid,
    ADD COLUMN source_topic text,
    ADD COLUMN partition_no integer,
    ADD COLUMN due_offset   bigint,
    DROP CONSTRAINT kratos_actions_status_check,
    ADD CONSTRAINT kratos_actions_status_check CHECK (status IN ('pending', 'done', 'failed', 'skipped'));
CREATE INDEX kratos_actions_completed ON kratos_actions (completed_at) WHERE status <> 'pending';

-- Each verified address, with Kratos's time of its verification: a verification is kept even when it arrives before
-- the profile event that introduced the address, and applies to the stored e-mail whenever that becomes it.
CREATE TABLE verified_addresses (
    identity_id uuid        NOT NULL,
    address     text        NOT NULL,
    verified_at timestamptz NOT NULL,
    PRIMARY KEY (identity_id, address)
);
