-- Officers and their login state (ARCHITECTURE.md "Identity, policy, keys").
--
-- An officer's creation, suspension and reinstatement are also log entries
-- (subject `officer:<id>`, versions recorded in subject_versions), written in the
-- same transaction as the row here (api/identity/store.ts). The password hash
-- never reaches the log.
--
-- The CHECKs repeat the application's rules (api/identity/officer.ts) so that
-- no other writer can store an officer the API would refuse.
CREATE TABLE officers (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$'),
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  -- scrypt$N$r$p$salt$hash (api/auth/password.ts)
  password_hash text NOT NULL CHECK (password_hash ~ '^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$'),
  role text NOT NULL CHECK (role IN ('KPPS', 'PPS', 'PPK', 'KPU_KABKOTA', 'KPU_PROVINSI',
    'KPU_RI', 'BAWASLU', 'AUDITOR', 'PARTY', 'OBSERVER', 'ADMIN')),
  -- 'ID' nasional, or 2/4/6/10/13 digits (policies/areas.ts)
  area text NOT NULL CHECK (area = 'ID' OR area ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$'),
  suspended boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Each operational role sits at one level of the area tree (policies/assignment.cedar).
  CONSTRAINT officers_role_fits_area CHECK (CASE role
    WHEN 'KPPS' THEN area ~ '^[0-9]{13}$'
    WHEN 'PPS' THEN area ~ '^[0-9]{10}$'
    WHEN 'PPK' THEN area ~ '^[0-9]{6}$'
    WHEN 'KPU_KABKOTA' THEN area ~ '^[0-9]{4}$'
    WHEN 'KPU_PROVINSI' THEN area ~ '^[0-9]{2}$'
    WHEN 'PARTY' THEN true
    WHEN 'OBSERVER' THEN true
    ELSE area = 'ID'
  END)
);

-- Login attempts per username (known or not, so that the answer does not reveal
-- which usernames exist), for the lockout in api/auth/lockout.ts. An attempt is
-- counted before its password is checked, so parallel guesses cannot overshoot the
-- limit; a successful login deletes the row.
CREATE TABLE login_failures (
  username text PRIMARY KEY CHECK (length(username) BETWEEN 1 AND 64),
  attempts integer NOT NULL CHECK (attempts >= 1),
  window_start timestamptz NOT NULL,
  locked_until timestamptz
);
-- For clearing rows whose window and lock have both passed.
CREATE INDEX login_failures_window ON login_failures (window_start);
