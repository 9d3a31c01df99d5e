-- OPS-5: the operations log. V1's table was never written; it is replaced by one row per
-- state-changing RPC (its op id) and the VMs it touched, kept by name so that the log of
-- a deleted VM stays readable.
DROP TABLE operations;

CREATE TABLE operations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running','succeeded','failed','interrupted')),
    error       TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX operations_started ON operations(started_at);

CREATE TABLE operation_vms (
    op_id   TEXT NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
    vm_name TEXT NOT NULL,
    vm_id   TEXT,
    PRIMARY KEY (op_id, vm_name)
);

CREATE INDEX operation_vms_name ON operation_vms(vm_name);
