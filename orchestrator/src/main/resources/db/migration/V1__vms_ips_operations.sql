-- VMs, their IP allocations, and the operations run on them.
-- Timestamps are ISO-8601 UTC text; sizes are bytes; booleans are 0/1.

CREATE TABLE vms (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL UNIQUE,
    state                     TEXT NOT NULL CHECK (state IN
                                ('created','starting','running','stopping','stopped','error','deleting')),
    image_id                  TEXT NOT NULL,
    image_name                TEXT NOT NULL,
    kernel_name               TEXT NOT NULL DEFAULT '',
    vcpu                      INTEGER NOT NULL CHECK (vcpu > 0),
    memory_mib                INTEGER NOT NULL CHECK (memory_mib > 0),
    disk_size_bytes           INTEGER NOT NULL CHECK (disk_size_bytes > 0),
    system_overlay_size_bytes INTEGER NOT NULL CHECK (system_overlay_size_bytes > 0),
    nat                       INTEGER NOT NULL DEFAULT 0 CHECK (nat IN (0, 1)),
    vmm                       TEXT NOT NULL CHECK (vmm IN ('firecracker','qemu')),
    vmm_pid                   INTEGER,
    vmm_socket                TEXT,
    dir                       TEXT NOT NULL,
    workspace_path            TEXT,
    workspace_head            TEXT,
    last_error                TEXT,
    created_at                TEXT NOT NULL,
    started_at                TEXT
);

-- One guest IP per VM; the IP is the key so two VMs can never share one.
CREATE TABLE ip_allocations (
    ip           TEXT PRIMARY KEY,
    vm_id        TEXT NOT NULL UNIQUE REFERENCES vms(id) ON DELETE CASCADE,
    allocated_at TEXT NOT NULL
);

-- Every RPC that changes state records an operation; its id is the op id the
-- CLI prints on failure (OPS-5).
CREATE TABLE operations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    vm_id       TEXT REFERENCES vms(id) ON DELETE SET NULL,
    state       TEXT NOT NULL CHECK (state IN ('running','succeeded','failed')),
    error       TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX operations_vm ON operations(vm_id);
