-- Written by nothing since the start: a VM's VMM sockets are found from its directory (layout.VmDir).
ALTER TABLE vms DROP COLUMN vmm_socket;
