package dev.banger.common.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.ListVmsResponse;
import dev.banger.proto.api.v1.VmsGrpc;
import dev.banger.proto.common.v1.ServiceInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UdsServerTest {
    @TempDir
    Path dir;

    @Test
    void servesHealthOnTheSocketWithTheRequestedMode() throws Exception {
        Path socket = dir.resolve("svc.sock");
        try (UdsServer server = ServiceHost.start(new ServiceIdentity("net", socket.toString(), "/logs/net.log"),
                socket, "rw-------", Optional.empty(), List.of())) {
            ServiceInfo info = UdsChannels.check(socket, 5000);
            assertEquals("net", info.getName());
            assertEquals(ProcessHandle.current().pid(), info.getPid());
            assertEquals(socket.toString(), info.getSocket());
            assertEquals("/logs/net.log", info.getLogPath());
            assertEquals(BuildInfo.current(), info.getBuild());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        }
        assertFalse(Files.exists(socket), "closing the server removes its socket");
    }

    @Test
    void refusesCallersThatAreNeitherOwnerNorRoot() throws Exception {
        // Pretend the owner is some other uid. Root is always allowed, so run as
        // a non-root user the check is what refuses; as root, the owner check alone is visible.
        int me = ServiceHost.currentUid();
        int someoneElse = me == 0 ? 4242 : me + 1;
        Path socket = dir.resolve("owned.sock");
        try (UdsServer server = ServiceHost.start(new ServiceIdentity("storage", socket.toString(), ""), socket,
                "rw-rw----", Optional.of(someoneElse), List.of())) {
            if (me == 0) {
                assertEquals("storage", UdsChannels.check(socket, 5000).getName(), "root may always call");
            } else {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> UdsChannels.check(socket, 5000));
                assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            }
        }
    }

    @Test
    void aRootServiceHandsItsSocketToTheOwner() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ServiceHost.currentUid() == 0, "needs root");
        Path socket = dir.resolve("root.sock");
        try (UdsServer server = ServiceHost.start(new ServiceIdentity("net", socket.toString(), ""), socket,
                "rw-rw----", Optional.of(4242), List.of())) {
            assertEquals(4242, Files.getAttribute(socket, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void callerCheckAllowsOwnerAndRootOnly() {
        assertTrue(CallerCheck.allowed(1000, 1000));
        assertTrue(CallerCheck.allowed(0, 1000));
        assertFalse(CallerCheck.allowed(1001, 1000));
        assertFalse(CallerCheck.allowed(65534, 0));
    }

    @Test
    void failedCallsCarryAnOpIdInTheirTrailers() throws Exception {
        Path socket = dir.resolve("fail.sock");
        VmsGrpc.VmsImplBase failing = new VmsGrpc.VmsImplBase() {
            @Override
            public void list(ListVmsRequest request, StreamObserver<ListVmsResponse> response) {
                response.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException());
            }
        };
        try (UdsServer server = ServiceHost.start(new ServiceIdentity("orchestrator", socket.toString(), ""),
                socket, "rw-------", Optional.empty(), List.of(failing))) {
            try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> VmsGrpc.newBlockingStub(c.channel()).list(ListVmsRequest.getDefaultInstance()));
                assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
                assertEquals("no such thing", e.getStatus().getDescription());
                String opId = OpIds.of(e);
                assertNotNull(opId);
                assertTrue(opId.matches("[0-9a-f]{12}"), opId);
            }
        }
    }

    @Test
    void replacesAStaleSocketButNeverAnotherKindOfFile() throws Exception {
        Path socket = dir.resolve("stale.sock");
        // A socket left by a killed process: bound, never unlinked, nobody listening.
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "a stale socket file is left behind");
        try (UdsServer second = ServiceHost.start(new ServiceIdentity("b", socket.toString(), ""), socket,
                "rw-------", Optional.empty(), List.of())) {
            assertEquals("b", UdsChannels.check(socket, 5000).getName());
        }

        Path regular = dir.resolve("not-a-socket");
        Files.writeString(regular, "user data");
        IOException e = assertThrows(IOException.class, () -> UdsServer.start(regular, "rw-------", 0, List.of()));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("user data", Files.readString(regular), "a file that is not a socket is left alone");
    }

    @Test
    void refusesToStealASocketAnotherServiceIsServing() throws Exception {
        Path socket = dir.resolve("busy.sock");
        try (UdsServer first = ServiceHost.start(new ServiceIdentity("first", socket.toString(), ""), socket,
                "rw-------", Optional.empty(), List.of())) {
            IOException e = assertThrows(IOException.class, () -> UdsServer.start(socket, "rw-------", 0, List.of()));
            assertTrue(e.getMessage().contains("already serves"), e.getMessage());
            assertEquals("first", UdsChannels.check(socket, 5000).getName());
        }
    }
}
