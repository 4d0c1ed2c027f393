-- Short-lived keys (`/v1/local-eval-token`): a key past its expiry no longer authenticates.
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
