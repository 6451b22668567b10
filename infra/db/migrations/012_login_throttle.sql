-- Login throttling (api/auth/lockout.ts, issue #10), replacing the lockout per
-- username (login_failures), which let anyone lock any officer out with five
-- requests. Failures are counted per (username, source address) with growing
-- delays, and per source address across usernames against password spraying.
-- Usernames are counted whether they exist or not, so answers reveal nothing.
-- An attempt is counted before its password is checked (parallel guesses cannot
-- overshoot) and forgiven when it succeeds. Rows are transient state, not
-- records: nothing here is logged.
DROP TABLE login_failures;

-- One username from one source: `failures` since the last quiet spell, and the
-- time before which the next attempt is refused (429 + Retry-After).
CREATE TABLE login_pair_failures (
  username text NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
  failures integer NOT NULL CHECK (failures >= 1),
  last_failure timestamptz NOT NULL,
  blocked_until timestamptz,
  PRIMARY KEY (username, source)
);
-- For forgetting pairs that have been quiet long enough.
CREATE INDEX login_pair_failures_last ON login_pair_failures (last_failure);

-- One source across all usernames: failures in a fixed window.
CREATE TABLE login_source_failures (
  source text PRIMARY KEY CHECK (length(source) BETWEEN 1 AND 64),
  failures integer NOT NULL CHECK (failures >= 0),
  window_start timestamptz NOT NULL
);
CREATE INDEX login_source_failures_window ON login_source_failures (window_start);
