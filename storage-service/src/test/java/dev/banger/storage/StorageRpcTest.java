package dev.banger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.proto.internal.v1.Disk;
import dev.banger.proto.internal.v1.FsckRequest;
import dev.banger.proto.internal.v1.RootDiskRequest;
import dev.banger.proto.internal.v1.StorageGrpc;
import dev.banger.proto.internal.v1.StorageState;
import dev.banger.proto.internal.v1.StorageStateRequest;
import dev.banger.proto.internal.v1.VmDisksRequest;
import dev.banger.proto.internal.v1.WorkDiskRequest;
import dev.banger.common.rpc.UdsChannels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The storage service as its client sees it: over the Unix socket, errors as statuses. */
@QuarkusTest
class StorageRpcTest {
    @ConfigProperty(name = "banger.socket")
    Path socket;
    @ConfigProperty(name = "banger.state-dir")
    Path state;

    @Test
    void createsListsAndReleasesAVmsDisks() throws Exception {
        Path image = Files.createDirectories(state.resolve("images/rpcimg"));
        new ProcessRunner().check("mkfs.ext4", "-q", "-F", image.resolve("rootfs.ext4").toString(), "32M");
        new ProcessRunner().check("mkfs.ext4", "-q", "-F", image.resolve("work-seed.ext4").toString(), "16M");

        Disk root = call(s -> s.createRootDisk(RootDiskRequest.newBuilder().setVmId("rpcvm").setImageId("rpcimg")
                .setOverlaySizeBytes(64L << 20).build()));
        assertEquals(state.toAbsolutePath().resolve("vms/rpcvm/root.ext4").toString(), root.getPath());
        Disk work = call(s -> s.createWorkDisk(WorkDiskRequest.newBuilder().setVmId("rpcvm").setImageId("rpcimg")
                .setSizeBytes(32L << 20).build()));
        assertEquals(32L << 20, work.getSizeBytes());

        StorageState st = call(s -> s.listState(StorageStateRequest.getDefaultInstance()));
        assertEquals(2, st.getDisksCount());
        assertTrue(st.getCowBackend().matches("reflink|sparse-copy|dm-snapshot"), st.getCowBackend());

        assertTrue(call(s -> s.releaseVmDisks(VmDisksRequest.newBuilder().setVmId("rpcvm").build())).getExisted());
        assertEquals(0, call(s -> s.listState(StorageStateRequest.getDefaultInstance())).getDisksCount());
        dev.banger.common.fs.FileTrees.deleteTree(image);
    }

    @Test
    void errorsKeepTheirKind() {
        assertEquals(Status.Code.INVALID_ARGUMENT, code(s -> s.createRootDisk(RootDiskRequest.newBuilder()
                .setVmId("../x").setImageId("rpcimg").setOverlaySizeBytes(64L << 20).build())));
        assertEquals(Status.Code.NOT_FOUND, code(s -> s.createRootDisk(RootDiskRequest.newBuilder()
                .setVmId("vm2").setImageId("nosuchimage").setOverlaySizeBytes(64L << 20).build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(s -> s.fsck(FsckRequest.newBuilder()
                .setPath("/etc/passwd").build())), "a path outside the state dir");
    }

    private <T> T call(Function<StorageGrpc.StorageBlockingStub, T> rpc) {
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            return rpc.apply(StorageGrpc.newBlockingStub(c.channel()));
        }
    }

    private Status.Code code(Function<StorageGrpc.StorageBlockingStub, ?> rpc) {
        return assertThrows(StatusRuntimeException.class, () -> call(rpc)).getStatus().getCode();
    }
}
