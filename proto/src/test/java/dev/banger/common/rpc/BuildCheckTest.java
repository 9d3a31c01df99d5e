package dev.banger.common.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.banger.common.errors.Reason;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.ListVmsResponse;
import dev.banger.proto.api.v1.VmsGrpc;
import dev.banger.proto.common.v1.HealthGrpc;
import dev.banger.proto.common.v1.HealthRequest;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildCheckTest {
    private static final VmsGrpc.VmsImplBase VMS = new VmsGrpc.VmsImplBase() {
        @Override
        public void list(ListVmsRequest request, StreamObserver<ListVmsResponse> response) {
            response.onNext(ListVmsResponse.getDefaultInstance());
            response.onCompleted();
        }
    };

    @Test
    void aCliOfAnotherBuildIsRefusedVmCallsButStillSeesHealth() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "bc-");
        Path socket = dir.resolve("s.sock");
        ServiceIdentity identity = new ServiceIdentity("orchestrator", socket.toString(), "");
        try (UdsServer server = ServiceHost.start(identity, socket, "rw-------", Optional.empty(), List.of(VMS))) {
            try (UdsChannels.Connection same = UdsChannels.connect(socket, BuildCheck.stamping())) {
                VmsGrpc.newBlockingStub(same.channel()).list(ListVmsRequest.getDefaultInstance());
            }
            try (UdsChannels.Connection none = UdsChannels.connect(socket)) {
                VmsGrpc.newBlockingStub(none.channel()).list(ListVmsRequest.getDefaultInstance());
            }
            try (UdsChannels.Connection other = UdsChannels.connect(socket, claiming("banger 0.0.1 (commit old)"))) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> VmsGrpc.newBlockingStub(other.channel()).list(ListVmsRequest.getDefaultInstance()));
                assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
                assertEquals(Optional.of(Reason.DAEMON_VERSION_MISMATCH), ErrorReasons.of(e));
                assertEquals("orchestrator", HealthGrpc.newBlockingStub(other.channel())
                        .check(HealthRequest.getDefaultInstance()).getName(), "health answers any build");
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static ClientInterceptor claiming(String build) {
        Metadata headers = new Metadata();
        headers.put(BuildCheck.CLIENT_BUILD, build);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
