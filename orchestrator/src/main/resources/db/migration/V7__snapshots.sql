-- SNAP-1: saved VMs (memory, device state and disks, in STATE/snapshots/ID/) and the VMs
-- created from one that have not been restored yet (their first start restores instead
-- of booting; the row goes once it has). A snapshot outlives the VM it was taken from.
CREATE TABLE snapshots (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL UNIQUE,
    source_vm_name            TEXT NOT NULL,
    image_id                  TEXT NOT NULL,
    image_name                TEXT NOT NULL,
    kernel_name               TEXT,
    vcpu                      INTEGER NOT NULL CHECK (vcpu > 0),
    memory_mib                INTEGER NOT NULL CHECK (memory_mib > 0),
    disk_size_bytes           INTEGER NOT NULL,
    system_overlay_size_bytes INTEGER NOT NULL,
    vmm                       TEXT NOT NULL,
    init                      TEXT NOT NULL,
    dir                       TEXT NOT NULL,
    size_bytes                INTEGER NOT NULL,
    created_at                TEXT NOT NULL
);

CREATE TABLE pending_restores (
    vm_id       TEXT PRIMARY KEY REFERENCES vms(id) ON DELETE CASCADE,
    snapshot_id TEXT NOT NULL REFERENCES snapshots(id)
);
