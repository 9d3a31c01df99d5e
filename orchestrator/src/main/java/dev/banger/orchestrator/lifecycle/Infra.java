package dev.banger.orchestrator.lifecycle;

import dev.banger.orchestrator.ssh.SshKeys;
import java.nio.file.Path;
import java.util.List;

/** What the lifecycle asks of the internal services (typed, id-based: DESIGN). */
public interface Infra {
    /** An image and the kernel it boots with, resolved to files. */
    record BootImage(String imageId, String imageName, String kernelName, Path bzImage, Path vmlinux, Path initrd) {
    }

    record GuestConfig(String vmId, String hostname, String ip, String gateway, int prefixLength,
            List<String> authorizedKeys, String agentToken, String gitUserName, String gitUserEmail,
            java.util.Map<String, byte[]> agentAuthFiles, SshKeys.HostKey hostKey) {
    }

    BootImage resolveImage(String ref);

    Path rootDisk(String vmId, String imageId, long overlayBytes);

    Path workDisk(String vmId, String imageId, long sizeBytes);

    Path configDisk(GuestConfig config);

    void releaseDisks(String vmId);

    /** Bridge ensured, then the VM's TAP; returns the TAP's name. */
    String tap(String vmId, String ip);

    void releaseTap(String vmId);

    void nat(String vmId, String ip);

    void releaseNat(String vmId);

    /** Releases every TAP, binding and NAT rule the net service holds for VMs other than these (SEC-4). */
    void reconcileNetwork(java.util.Set<String> keepTaps, java.util.Map<String, String> keepNatIps);

    /** The ids of the VMs the storage service holds disks for. */
    java.util.Set<String> vmsWithDisks();
}
