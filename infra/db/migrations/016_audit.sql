-- Internal audit and feasibility evidence, findings, follow-ups and stage gates
-- (issue #13; docs/audit-gates.md). Every row here is written by the ledgered
-- write path in the same transaction as its log entry, and cites that entry by
-- its pending row (`*_pending`), from which the reader learns its index and leaf
-- hash. Free text (control summaries, follow-up actions) is the redacted text the
-- log carries, so nothing here is more private than the public log.

-- One row per filed report (`audit.report.filed`): the SHA-256 of report.json is
-- what the log timestamps; the report file itself stays with whoever ran it.
CREATE TABLE audit_reports (
  n bigserial UNIQUE,
  -- The report's SHA-256 in lowercase hex: its id, and the log subject's key.
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  kind text NOT NULL CHECK (kind IN ('audit', 'feasibility')),
  generated_at timestamptz NOT NULL,
  -- The stage it is evidence for; null: evidence for every stage.
  stage text,
  -- [{id, status, severity, summary, redacted}] as the log entry carries them.
  controls jsonb NOT NULL,
  failed integer NOT NULL,
  filed_by text NOT NULL,
  pending_id bigint NOT NULL
);
CREATE INDEX audit_reports_latest ON audit_reports (kind, stage, generated_at DESC, n DESC);

-- One row per finding: opened by a report whose control failed, closed only by a
-- later report in which that control passed (never by a follow-up).
CREATE TABLE audit_findings (
  n bigserial UNIQUE,
  -- `<control>@<first 16 hex of the opening report>`.
  id text PRIMARY KEY,
  control text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  summary text NOT NULL,
  redacted boolean NOT NULL,
  opened_by text NOT NULL REFERENCES audit_reports (id),
  opened_pending bigint NOT NULL,
  closed_by text REFERENCES audit_reports (id),
  closed_pending bigint,
  CHECK ((closed_by IS NULL) = (closed_pending IS NULL))
);
-- At most one open finding per control: a failing re-run does not open a twin.
CREATE UNIQUE INDEX audit_findings_one_open ON audit_findings (control) WHERE closed_by IS NULL;

-- Follow-up actions recorded against a finding (who, what, evidence hash).
CREATE TABLE audit_followups (
  n bigserial UNIQUE,
  id text PRIMARY KEY,
  finding text NOT NULL REFERENCES audit_findings (id),
  action text NOT NULL,
  evidence_sha256 text CHECK (evidence_sha256 ~ '^[0-9a-f]{64}$'),
  actor_id text NOT NULL,
  actor_role text NOT NULL,
  pending_id bigint NOT NULL
);
CREATE INDEX audit_followups_finding ON audit_followups (finding, n);

-- Every decision on opening a stage, opened or refused, one per version of the
-- subject `stage:<id>` (the calendar itself is configuration: SAKSI_STAGES_FILE).
CREATE TABLE audit_stage_decisions (
  n bigserial UNIQUE,
  stage text NOT NULL,
  seq integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('opened', 'refused')),
  reasons jsonb NOT NULL,
  actor_id text NOT NULL,
  pending_id bigint NOT NULL,
  PRIMARY KEY (stage, seq)
);
-- A stage opens once.
CREATE UNIQUE INDEX audit_stage_opened_once ON audit_stage_decisions (stage) WHERE outcome = 'opened';
