-- SNAP-3: the warm pool. A pooled VM is the daemon's, kept restored and paused until
-- `vm run` takes it (pooled goes to 0 and it becomes the user's); users never see one
-- before that. A pool base is the snapshot the pool restores its VMs from: the
-- daemon's too, never listed with the user's snapshots.
ALTER TABLE vms ADD COLUMN pooled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshots ADD COLUMN pool_base INTEGER NOT NULL DEFAULT 0;
