-- The log reader answers "at which index is this leaf hash?" (ledger/log-reader.ts
-- indexOfLeaf: a receipt or a bundle names an entry by its hash). A hash index:
-- the lookup is only ever by equality, and it is smaller than a btree of 32-byte
-- random keys.
CREATE INDEX ledger_entries_leaf ON ledger_entries USING hash (leaf_hash);
