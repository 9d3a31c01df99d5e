package dev.banger.orchestrator.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's launch path, end to end against a stand-in binary (FakeFirecracker,
 * run with this JVM's java): config file written, process detached and found by pid,
 * API answering, Ctrl-Alt-Del ending it; and a refused config reported with its output.
 */
class FirecrackerVmmTest {
    @TempDir
    Path tmp;

    Path fakeBinary() throws IOException {
        Path source = Path.of("src/test/resources/fake-firecracker/FakeFirecracker.java").toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path bin = tmp.resolve("firecracker");
        Files.writeString(bin, "#!/bin/sh\nexec " + java + " " + source + " \"$@\"\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    VmmSpec spec(String vmId, boolean kernelExists) throws IOException {
        Path k = tmp.resolve("vmlinux");
        if (kernelExists) {
            Files.writeString(k, "ELF");
        }
        Path disk = Files.writeString(tmp.resolve("root-" + vmId + ".ext4"), "");
        return new VmmSpec(vmId, 1, 256, null, k, null, disk, null, null, null, tmp.resolve("vms/" + vmId),
                GuestInit.LEAN);
    }

    @Test
    void launchesFindsAndPowersDownThroughTheApi() throws Exception {
        FirecrackerVmm vmm = new FirecrackerVmm(fakeBinary().toString(), List.of());
        VmmSpec s = spec("fc1", true);
        long pid = vmm.launch(s);
        try {
            assertEquals(pid, vmm.pid(s.handle()).orElseThrow(), "found again from the pid file");
            assertTrue(Files.readString(s.vmDir().resolve("firecracker.json")).contains("\"vcpu_count\" : 1"));
            assertTrue(Files.readString(s.consoleLog()).contains("guest booted"), "stdout is the console");
            vmm.powerdown(s.handle());
            assertTrue(vmm.awaitExit(s.handle(), Duration.ofSeconds(10)), "Ctrl-Alt-Del ends it");
            assertTrue(vmm.pid(s.handle()).isEmpty());
            assertFalse(vmm.kill(s.handle(), true), "nothing left to signal");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aRefusedStartIsReportedWithWhatFirecrackerSaid() throws Exception {
        FirecrackerVmm vmm = new FirecrackerVmm(fakeBinary().toString(), List.of());
        IOException e = assertThrows(IOException.class, () -> vmm.launch(spec("fc2", false)));
        assertTrue(e.getMessage().contains("exited at start") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void onlyAKernelWithVirtioMmioCommandLineDevicesFitsFirecracker() throws Exception {
        byte[] param = "virtio_mmio.device\0".getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[(1 << 20) + 64];
        System.arraycopy(param, 0, big, (1 << 20) + 12, param.length); // straddles the first 1 MiB + 19 read
        assertTrue(FirecrackerKernels.contains(new ByteArrayInputStream(big), param));
        assertFalse(FirecrackerKernels.contains(new ByteArrayInputStream(new byte[3 << 20]), param));
        Path fits = Files.write(tmp.resolve("fc-vmlinux"), big);
        Path debian = Files.write(tmp.resolve("debian-vmlinux"), "virtio_mmio.ko".getBytes(StandardCharsets.US_ASCII));
        FirecrackerKernels kernels = new FirecrackerKernels();
        assertTrue(kernels.fits(fits));
        assertFalse(kernels.fits(debian));
        assertFalse(kernels.fits(tmp.resolve("none")));
    }
}
