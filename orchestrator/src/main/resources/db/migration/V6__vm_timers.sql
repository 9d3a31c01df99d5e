-- SNAP-4: pause, TTL and idle stop, kept in the store so that they survive a daemon restart.
ALTER TABLE vms ADD COLUMN paused_at TEXT;
ALTER TABLE vms ADD COLUMN expires_at TEXT;
ALTER TABLE vms ADD COLUMN idle_stop_seconds INTEGER CHECK (idle_stop_seconds IS NULL OR idle_stop_seconds > 0);
ALTER TABLE vms ADD COLUMN last_activity_at TEXT;
