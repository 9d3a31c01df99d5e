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

    /** A VM whose disks (empty files here) are in its own directory, as the storage service makes them. */
    VmmSpec specWithDisks(String vmId, String tap) throws IOException {
        Path k = Files.writeString(tmp.resolve("vmlinux"), "ELF");
        Path dir = Files.createDirectories(tmp.resolve("vms/" + vmId));
        for (String disk : List.of("root.ext4", "work.ext4", "config.ext4")) {
            Files.writeString(dir.resolve(disk), vmId + " " + disk);
        }
        return new VmmSpec(vmId, 1, 256, null, k, null, dir.resolve("root.ext4"), dir.resolve("work.ext4"),
                dir.resolve("config.ext4"), tap, dir, GuestInit.LEAN);
    }

    @Test
    void aSnapshotIsLoadedInAnotherVmsDirectoryOnItsDisksAndTapAndTheGuestTakesItsIdentity() throws Exception {
        FirecrackerVmm vmm = new FirecrackerVmm(fakeBinary().toString(), List.of());
        VmmSpec a = specWithDisks("fca1", "bgtapa0000001");
        java.util.List<Long> pids = new java.util.ArrayList<>();
        try {
            pids.add(vmm.launch(a));
            dev.banger.common.layout.SnapshotDir snap = new dev.banger.common.layout.SnapshotDir(
                    Files.createDirectories(tmp.resolve("snapshots/s1")));
            IOException running = assertThrows(IOException.class, () -> vmm.save(a.handle(), snap));
            assertTrue(running.getMessage().contains("not paused"), running.getMessage());
            vmm.pause(a.handle());
            vmm.save(a.handle(), snap);
            assertTrue(Files.exists(snap.vmState()) && Files.exists(snap.memory()));

            VmmSpec b = specWithDisks("fcb2", "bgtapb0000002");
            pids.add(vmm.restore(b, snap));
            assertEquals(pids.get(1), vmm.pid(b.handle()).orElseThrow(), "found again from its pid file");
            assertEquals(List.of(b.rootDisk(), b.workDisk(), b.configDisk()).stream().map(p -> p.toString() + "\n")
                    .collect(java.util.stream.Collectors.joining()),
                    Files.readString(b.vmDir().resolve("drives-opened.log")), "its own disks, never the source's");
            String control = Files.readString(b.vmDir().resolve("guest-control.log"));
            assertTrue(control.matches("reconfigure \\d+ " + b.mac() + " [0-9a-f]{64}\n"),
                    "resumed, the guest took this VM's MAC, clock and entropy over vsock: " + control);
            assertFalse(Files.exists(a.vmDir().resolve("guest-control.log")), "the source was never told anything");

            vmm.wake(b.handle(), "calm-otter");
            assertTrue(Files.readString(b.vmDir().resolve("guest-control.log")).lines().reduce((x, y) -> y).orElseThrow()
                    .matches("wake \\d+ calm-otter [0-9a-f]{64}"));

            // Its own disks missing: the load fails (never the source's files), and nothing is left running.
            VmmSpec c = specWithDisks("fcc3", "bgtapc0000003");
            Files.delete(c.workDisk());
            IOException noDisk = assertThrows(IOException.class, () -> vmm.restore(c, snap));
            assertTrue(noDisk.getMessage().contains("work.ext4"), noDisk.getMessage());
            assertTrue(vmm.pid(c.handle()).isEmpty(), "the VMM of a failed restore is ended");
        } finally {
            pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void aVmWhoseConfigNamesItsDisksByWholePathIsNotSaved() throws Exception {
        VmmSpec old = specWithDisks("fco4", "bgtapo0000004");
        Files.writeString(old.files().firecrackerConfig(), "{\"drives\": [{\"drive_id\": \"root\", \"path_on_host\": \""
                + old.rootDisk() + "\"}], \"vsock\": {\"uds_path\": \"" + old.files().vsockSocket() + "\"}}");
        IOException e = assertThrows(IOException.class, () -> new FirecrackerVmm("firecracker", List.of())
                .save(old.handle(), new dev.banger.common.layout.SnapshotDir(tmp.resolve("s2"))));
        assertTrue(e.getMessage().contains("older banger"), e.getMessage());
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
