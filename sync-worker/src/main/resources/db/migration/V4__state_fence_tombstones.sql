-- Change data capture brings events that set the state alone (an administrator deactivates an account) in the same
-- Kratos transaction as a profile change: the state gets a fence of its own, so that neither fences out the other.
ALTER TABLE user_settings
    ADD COLUMN state_at   timestamptz,
    -- set when Kratos deleted the identity: its personal data is erased and the row stays as a tombstone. Kratos never
    -- re-uses an identity id, so no event of the identity, however late, writes to the row again.
    ADD COLUMN deleted_at timestamptz;
UPDATE user_settings SET state_at = profile_at WHERE state IS NOT NULL;

-- A revocation is queued for one of two causes; each is skipped when its cause is no longer in force by its turn (a
-- requirement satisfied or replaced, an account active again).
ALTER TABLE kratos_actions
    ADD COLUMN cause text NOT NULL DEFAULT 'password_change_required'
        CHECK (cause IN ('password_change_required', 'deactivated'));
