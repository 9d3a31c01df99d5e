-- WS-1: what each VM's workspace was prepared from, so that export knows its base,
-- exec can tell the host checkout changed since (VM-10), and --auto-prepare can
-- prepare it again the same way. One workspace per VM; it goes with the VM.
CREATE TABLE workspaces (
    vm_id             TEXT PRIMARY KEY REFERENCES vms(id) ON DELETE CASCADE,
    host_path         TEXT NOT NULL,
    guest_path        TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('shallow','full_copy')),
    include_untracked INTEGER NOT NULL DEFAULT 0 CHECK (include_untracked IN (0, 1)),
    branch            TEXT,
    from_ref          TEXT,
    head_commit       TEXT NOT NULL,
    host_fingerprint  TEXT NOT NULL,
    prepared_at       TEXT NOT NULL
);

-- The workspace's columns on vms were placeholders nothing wrote.
ALTER TABLE vms DROP COLUMN workspace_path;
ALTER TABLE vms DROP COLUMN workspace_head;
