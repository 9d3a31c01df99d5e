-- How each VM's guest boots: lean (busybox init) or the image's systemd (vm create --init).
ALTER TABLE vms ADD COLUMN init TEXT NOT NULL DEFAULT 'lean' CHECK (init IN ('lean','systemd'));
