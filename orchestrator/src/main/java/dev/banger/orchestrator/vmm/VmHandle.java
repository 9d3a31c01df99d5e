package dev.banger.orchestrator.vmm;

import dev.banger.common.layout.VmDir;
import java.nio.file.Path;

/**
 * What it takes to find and control a VM's running VMM (pid, power button, signals):
 * its id and its directory, and nothing of how it was launched.
 */
public record VmHandle(String vmId, VmDir files) {
    public static VmHandle of(String vmId, Path dir) {
        return new VmHandle(vmId, new VmDir(dir));
    }
}
