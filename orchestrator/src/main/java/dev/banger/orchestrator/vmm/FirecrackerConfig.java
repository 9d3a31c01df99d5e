package dev.banger.orchestrator.vmm;

import dev.banger.common.errors.InvalidArgumentException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON configuration Firecracker starts from (`firecracker --config-file F`), in
 * the shape of its published API: boot-source, drives, network-interfaces,
 * machine-config and a vsock device whose Unix socket lives in the VM's directory.
 * Files of the VM's directory are named relative to it (Firecracker runs there): a
 * snapshot records them so, and a VM restored from it in its own directory opens its
 * own copies, as the jailer's chroot would arrange.
 */
public final class FirecrackerConfig {
    static final int GUEST_CID = 3;
    /** The guest's one network interface, as the API and a snapshot load's override name it. */
    static final String IFACE = "eth0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FirecrackerConfig() {
    }

    public static ObjectNode build(VmmSpec s) {
        if (s.vmlinux() == null) {
            throw new InvalidArgumentException("Firecracker boots an ELF vmlinux; this kernel has none");
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode boot = root.putObject("boot-source");
        boot.put("kernel_image_path", s.vmlinux().toString());
        boot.put("boot_args", "console=ttyS0 reboot=k panic=1 pci=off root=/dev/vda rw quiet init=" + VmmSpec.INIT
                + (s.init() == null ? "" : s.init().kernelArg()));
        if (s.initrd() != null) {
            boot.put("initrd_path", s.initrd().toString());
        }
        ArrayNode drives = root.putArray("drives");
        drive(drives, "root", inVmDir(s, s.rootDisk()), false);
        if (s.workDisk() != null) {
            drive(drives, "work", inVmDir(s, s.workDisk()), false);
        }
        if (s.configDisk() != null) {
            drive(drives, "cfg", inVmDir(s, s.configDisk()), true);
        }
        if (s.tap() != null) {
            root.putArray("network-interfaces").addObject().put("iface_id", IFACE).put("guest_mac", s.mac())
                    .put("host_dev_name", s.tap());
        }
        root.putObject("machine-config").put("vcpu_count", s.vcpu()).put("mem_size_mib", s.memoryMib())
                .put("smt", false);
        root.putObject("vsock").put("guest_cid", GUEST_CID).put("uds_path", inVmDir(s, s.files().vsockSocket()));
        return root;
    }

    /** A file of the VM's directory by its name there; any other (a device) by its whole path. */
    static String inVmDir(VmmSpec s, java.nio.file.Path file) {
        return s.vmDir().equals(file.getParent()) ? file.getFileName().toString() : file.toString();
    }

    public static List<String> argv(VmmSpec s, String binary) {
        return List.of("setsid", binary, "--api-sock", s.files().firecrackerSocket().toString(),
                "--config-file", s.files().firecrackerConfig().toString());
    }

    /** A Firecracker with no machine yet, for a snapshot load. */
    public static List<String> restoreArgv(VmmSpec s, String binary) {
        return List.of("setsid", binary, "--api-sock", s.files().firecrackerSocket().toString());
    }

    /** Whether a VM's config names all of its directory's files relative to it (older ones did not). */
    public static boolean relocatable(com.fasterxml.jackson.databind.JsonNode config) {
        for (com.fasterxml.jackson.databind.JsonNode d : config.path("drives")) {
            if (d.path("path_on_host").asText("/").startsWith("/")) {
                return false;
            }
        }
        return !config.path("vsock").path("uds_path").asText("/").startsWith("/");
    }

    private static void drive(ArrayNode drives, String id, String path, boolean readOnly) {
        // The root is named on the kernel command line (banger's initramfs mounts it), so no
        // drive is Firecracker's "root device".
        drives.addObject().put("drive_id", id).put("path_on_host", path).put("is_root_device", false)
                .put("is_read_only", readOnly);
    }
}
