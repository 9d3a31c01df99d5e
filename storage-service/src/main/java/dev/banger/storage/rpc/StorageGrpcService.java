package dev.banger.storage.rpc;

import dev.banger.exec.CommandResult;
import dev.banger.proto.common.v1.Released;
import dev.banger.proto.internal.v1.Disk;
import dev.banger.proto.internal.v1.FsckRequest;
import dev.banger.proto.internal.v1.FsckResult;
import dev.banger.proto.internal.v1.RootDiskRequest;
import dev.banger.proto.internal.v1.StorageGrpc;
import dev.banger.proto.internal.v1.StorageState;
import dev.banger.proto.internal.v1.StorageStateRequest;
import dev.banger.proto.internal.v1.VmConfigRequest;
import dev.banger.proto.internal.v1.VmDisksRequest;
import dev.banger.proto.internal.v1.WorkDiskRequest;
import dev.banger.rpc.Rpc;
import dev.banger.storage.StorageService;
import dev.banger.storage.vmconfig.VmConfig;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** gRPC adapter for the storage service; the uid check happens before any of this runs. */
@Singleton
public class StorageGrpcService extends StorageGrpc.StorageImplBase {
    private final StorageService storage;

    public StorageGrpcService(StorageService storage) {
        this.storage = storage;
    }

    @Override
    public void createRootDisk(RootDiskRequest r, StreamObserver<Disk> response) {
        Rpc.answer(response, () -> toProto(storage.createRootDisk(r.getVmId(), r.getImageId(),
                r.getOverlaySizeBytes())));
    }

    @Override
    public void createWorkDisk(WorkDiskRequest r, StreamObserver<Disk> response) {
        Rpc.answer(response, () -> toProto(storage.createWorkDisk(r.getVmId(), r.getImageId(), r.getSizeBytes())));
    }

    @Override
    public void writeVmConfig(VmConfigRequest r, StreamObserver<Disk> response) {
        Rpc.answer(response, () -> {
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
    public void releaseVmDisks(VmDisksRequest r, StreamObserver<Released> response) {
        Rpc.answer(response, () -> Released.newBuilder().setExisted(storage.releaseVmDisks(r.getVmId())).build());
    }

    @Override
    public void fsck(FsckRequest r, StreamObserver<FsckResult> response) {
        Rpc.answer(response, () -> {
            CommandResult c = storage.fsck(r.getPath());
            return FsckResult.newBuilder().setExitCode(c.exit()).setOutput(c.stdout() + c.stderr()).build();
        });
    }

    @Override
    public void listState(StorageStateRequest r, StreamObserver<StorageState> response) {
        Rpc.answer(response, () -> {
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
