-- The version of the arithmetic checks that judged each count-form version
-- (ledger/verifier/results/checks.ts). The recap lists it beside the form's
-- status, and the observer's verifier re-runs exactly that version: a check
-- added later judges new forms only and never turns an old proof invalid.
-- Rows written before versions existed were judged by version 1.
ALTER TABLE count_forms ADD COLUMN checks smallint NOT NULL DEFAULT 1 CHECK (checks >= 1);
