-- The election-day check against the voter register (issue #11): a count-form
-- version's turnout (DPT + DPTb + DPK voters who voted) compared with DPT + DPTb
-- + DPK of its TPS's latest published voter count (ledger/verifier/voters/turnout.ts,
-- api/domains/results/rules.ts registerCheck), written in the form's own
-- transaction. No row: the TPS had no published register count then.
--
-- Kept apart from count_forms.status and failed_checks: those are the form's own
-- arithmetic, which the observer's recap verifier recomputes from the form alone.
-- This verdict names the count entry it was judged against (subject, version,
-- leaf hash), so anyone can recompute it from the two log entries. Append-only,
-- like the form it judges.
CREATE TABLE count_form_register_checks (
  subject text NOT NULL,
  seq integer NOT NULL,
  within boolean NOT NULL,
  verdict jsonb NOT NULL,
  PRIMARY KEY (subject, seq),
  FOREIGN KEY (subject, seq) REFERENCES count_forms (subject, seq)
);
CREATE TRIGGER count_form_register_checks_no_change BEFORE UPDATE OR DELETE
  ON count_form_register_checks FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER count_form_register_checks_no_truncate BEFORE TRUNCATE
  ON count_form_register_checks FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
