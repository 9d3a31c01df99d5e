package dev.banger.orchestrator.vm;

import dev.banger.common.rpc.Timestamps;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmState;
import java.time.Instant;
import java.util.Locale;

/** Store rows to API messages. */
final class VmMessages {
    private VmMessages() {
    }

    static dev.banger.proto.api.v1.VmSnapshot toProto(dev.banger.orchestrator.store.SnapshotRecord s,
            java.util.List<String> pendingVms) {
        return dev.banger.proto.api.v1.VmSnapshot.newBuilder()
                .setId(s.id())
                .setName(s.name())
                .setSourceVm(s.sourceVmName())
                .setImage(s.imageName())
                .setVcpu(s.vcpu())
                .setMemoryMib(s.memoryMib())
                .setDiskSizeBytes(s.diskSizeBytes())
                .setSizeBytes(s.sizeBytes())
                .setCreated(Timestamps.of(s.createdAt()))
                .addAllPendingVms(pendingVms)
                .build();
    }

    static Vm toProto(VmRecord r) {
        Vm.Builder b = Vm.newBuilder()
                .setId(r.id())
                .setName(r.name())
                .setState(r.state().toProto())
                .setImageId(r.imageId())
                .setImageName(r.imageName())
                .setKernelName(r.kernelName())
                .setVcpu(r.vcpu())
                .setMemoryMib(r.memoryMib())
                .setDiskSizeBytes(r.diskSizeBytes())
                .setSystemOverlaySizeBytes(r.systemOverlaySizeBytes())
                .setNat(r.nat())
                .setVmm(r.vmm())
                .setDir(r.dir())
                .setVmmLog(new dev.banger.common.layout.VmDir(java.nio.file.Path.of(r.dir())).vmmLog().toString())
                .setConsoleLog(new dev.banger.common.layout.VmDir(java.nio.file.Path.of(r.dir())).consoleLog().toString())
                .setCreated(Timestamps.of(r.createdAt()))
                .setInit(r.init() == dev.banger.orchestrator.vmm.GuestInit.SYSTEMD ? dev.banger.proto.api.v1.GuestInit.SYSTEMD
                        : dev.banger.proto.api.v1.GuestInit.LEAN);
        dev.banger.orchestrator.store.VmTimers t = r.timersOrNone();
        if (t.paused() && r.state() == dev.banger.orchestrator.store.VmState.RUNNING) {
            b.setState(VmState.PAUSED);
        }
        if (t.expiresAt() != null) {
            b.setExpires(Timestamps.of(t.expiresAt()));
        }
        if (t.idleStop() != null) {
            b.setIdleStopSeconds(t.idleStop().toSeconds());
        }
        if (r.ip() != null) {
            b.setIp(r.ip());
        }
        if (r.vmmPid() != null) {
            b.setVmmPid(r.vmmPid());
        }
        if (r.startedAt() != null) {
            b.setStarted(Timestamps.of(r.startedAt()));
        }
        if (r.workspacePath() != null) {
            b.setWorkspacePath(r.workspacePath());
        }
        if (r.lastError() != null) {
            b.setLastError(r.lastError());
        }
        return b.build();
    }

}
