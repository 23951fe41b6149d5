-- Every Kratos hook point now lands here. Each group of fields has a fence: the time of the change that set it.
ALTER TABLE user_settings
    ADD COLUMN schema_id                 text,
    ADD COLUMN state                     text,
    ADD COLUMN email                     text,
    -- fence of schema_id, state, email (a snapshot of the profile)
    ADD COLUMN profile_at                timestamptz,
    ADD COLUMN email_verified            boolean,
    -- fence of email_verified
    ADD COLUMN email_verified_at         timestamptz,
    -- the earliest registration wins
    ADD COLUMN registered_at             timestamptz,
    ADD COLUMN registration_method       text,
    ADD COLUMN last_login_at             timestamptz,
    ADD COLUMN last_login_method         text,
    ADD COLUMN last_login_aal            text,
    ADD COLUMN recovered_at              timestamptz,
    ADD COLUMN second_factor_changed_at  timestamptz,
    ADD COLUMN second_factor_method      text;
