package dev.banger.storage.rpc;

import io.smallrye.mutiny.Uni;
import dev.banger.common.exec.CommandResult;
import dev.banger.proto.common.v1.Released;
import dev.banger.proto.internal.v1.Disk;
import dev.banger.proto.internal.v1.FsckRequest;
import dev.banger.proto.internal.v1.FsckResult;
import dev.banger.proto.internal.v1.RootDiskRequest;
import dev.banger.proto.internal.v1.StorageGrpc;
import dev.banger.proto.internal.v1.MutinyStorageGrpc;
import dev.banger.proto.internal.v1.StorageState;
import dev.banger.proto.internal.v1.StorageStateRequest;
import dev.banger.proto.internal.v1.VmConfigRequest;
import dev.banger.proto.internal.v1.VmDisksRequest;
import dev.banger.proto.internal.v1.WorkDiskRequest;
import dev.banger.common.rpc.Rpc;
import dev.banger.storage.StorageService;
import dev.banger.storage.vmconfig.VmConfig;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** gRPC adapter for the storage service; the uid check happens before any of this runs. */
@Singleton
public class StorageGrpcService extends MutinyStorageGrpc.StorageImplBase {
    private final StorageService storage;

    public StorageGrpcService(StorageService storage) {
        this.storage = storage;
    }

    @Override
    public Uni<Disk> createRootDisk(RootDiskRequest r) {
        return Rpc.unary(() -> toProto(storage.createRootDisk(r.getVmId(), r.getImageId(),
                r.getOverlaySizeBytes())));
    }

    @Override
    public Uni<Disk> createWorkDisk(WorkDiskRequest r) {
        return Rpc.unary(() -> toProto(storage.createWorkDisk(r.getVmId(), r.getImageId(), r.getSizeBytes())));
    }

    @Override
    public Uni<Disk> writeVmConfig(VmConfigRequest r) {
        return Rpc.unary(() -> {
            Map<String, byte[]> auth = new LinkedHashMap<>();
            r.getAgentAuthFilesMap().forEach((path, bytes) -> auth.put(path, bytes.toByteArray()));
            return toProto(storage.writeVmConfig(new VmConfig(r.getVmId(), r.getHostname(), r.getGuestIp(),
                    r.getGateway(), r.getPrefixLength(), r.getDnsServersList(), r.getAuthorizedKeysList(),
                    r.getAgentToken(), r.getGitUserName(), r.getGitUserEmail(), auth,
                    r.getSshHostKey().isEmpty() ? null
                            : new VmConfig.HostKey(r.getSshHostKey().toByteArray(), r.getSshHostKeyPub()))));
        });
    }

    @Override
    public Uni<Released> releaseVmDisks(VmDisksRequest r) {
        return Rpc.unary(() -> Released.newBuilder().setExisted(storage.releaseVmDisks(r.getVmId())).build());
    }

    @Override
    public Uni<FsckResult> fsck(FsckRequest r) {
        return Rpc.unary(() -> {
            CommandResult c = storage.fsck(r.getPath());
            return FsckResult.newBuilder().setExitCode(c.exit()).setOutput(c.stdout() + c.stderr()).build();
        });
    }

    @Override
    public Uni<StorageState> listState(StorageStateRequest r) {
        return Rpc.unary(() -> {
            StorageService.State s = storage.state();
            StorageState.Builder b = StorageState.newBuilder().setCowBackend(s.cowBackend())
                    .addAllLoopDevices(s.loopDevices());
            s.disks().forEach(d -> b.addDisks(toProto(d)));
            return b.build();
        });
    }

    private static Disk toProto(StorageService.Disk d) {
        return Disk.newBuilder().setVmId(d.vmId()).setPath(d.path().toString()).setBackend(d.backend())
                .setSizeBytes(d.sizeBytes()).build();
    }
}
