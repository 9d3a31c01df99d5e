package dev.banger.orchestrator.image;

import dev.banger.orchestrator.store.VmState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.system.InternalServices;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.ImagesGrpc;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.common.rpc.ServiceIdentity;
import dev.banger.common.rpc.UdsChannels;
import dev.banger.common.rpc.UdsServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deleting an image a VM uses is refused before the image service is asked (IMG-6). */
@QuarkusTest
class ImagesForwarderTest {
    @Inject
    VmStore store;
    @Inject
    InternalServices internal;
    @ConfigProperty(name = "banger.socket")
    Path socket;

    /** Stands in for the image service: knows one image, records deletes. */
    static final class FakeImages extends ImagesGrpc.ImagesImplBase {
        final List<String> deleted = new CopyOnWriteArrayList<>();

        @Override
        public void get(NameRef r, StreamObserver<Image> response) {
            response.onNext(Image.newBuilder().setId("img0001").setName("default").build());
            response.onCompleted();
        }

        @Override
        public void delete(NameRef r, StreamObserver<DeleteResponse> response) {
            deleted.add(r.getRef());
            response.onNext(DeleteResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    @AfterEach
    void clean() {
        store.list().forEach(v -> store.delete(v.id()));
    }

    @Test
    void anImageInUseIsNotDeletedAndAFreeOneIs() throws Exception {
        FakeImages fake = new FakeImages();
        Path imageSocket = internal.sockets().get("image");
        try (UdsServer image = ServiceHost.start(new ServiceIdentity("image", imageSocket.toString(), ""),
                imageSocket, "rw-------", Optional.empty(), List.of(fake))) {
            store.insert(new VmRecord("vm1", "busy-otter", VmState.STOPPED, "img0001", "default", "", null, 1, 512,
                    1L << 30, 1L << 30, false, "qemu", null, "/s/vms/vm1", null, null, Instant.now(), null, dev.banger.orchestrator.vmm.GuestInit.LEAN,
                dev.banger.orchestrator.store.VmTimers.NONE));

            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> delete("default"));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("busy-otter"), e.getStatus().getDescription());
            assertEquals(List.of(), fake.deleted, "the image service was never asked to delete");

            store.delete("vm1");
            delete("default");
            assertEquals(List.of("img0001"), fake.deleted, "deleted by id, once");
        }
    }

    private void delete(String ref) {
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            ImagesGrpc.newBlockingStub(c.channel()).delete(NameRef.newBuilder().setRef(ref).build());
        }
    }
}
