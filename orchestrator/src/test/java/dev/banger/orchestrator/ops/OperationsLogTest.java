package dev.banger.orchestrator.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.rpc.OpIds;
import dev.banger.common.rpc.UdsChannels;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmState;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.proto.api.v1.CreateVmRequest;
import dev.banger.proto.api.v1.GetVmRequest;
import dev.banger.proto.api.v1.VmEvent;
import dev.banger.proto.api.v1.VmSpec;
import dev.banger.proto.api.v1.ListOperationsRequest;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.Operation;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.SetVmRequest;
import dev.banger.proto.api.v1.SystemGrpc;
import dev.banger.proto.api.v1.VmsGrpc;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OPS-5 as a client sees it: calls over the orchestrator's socket, then `ops` over it. */
@QuarkusTest
class OperationsLogTest {
    @Inject
    VmStore store;
    @Inject
    OperationStore operations;
    @Inject
    AgroalDataSource db;
    @ConfigProperty(name = "banger.socket")
    Path socket;

    @BeforeEach
    @AfterEach
    void clean() throws Exception {
        store.list().forEach(v -> store.delete(v.id()));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM operations");
        }
    }

    @Test
    void aStateChangingCallIsLoggedWithItsVmAndOutcome_readsAreNot() {
        store.insert(stopped("0a1b", "calm-otter"));
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            VmsGrpc.VmsBlockingStub vms = VmsGrpc.newBlockingStub(c.channel());
            vms.set(SetVmRequest.newBuilder().addRefs("calm-otter").setVcpu(3).build());
            vms.list(ListVmsRequest.getDefaultInstance());
            vms.get(GetVmRequest.newBuilder().setRef("calm-otter").build());

            List<Operation> ops = ops(c, ListOperationsRequest.getDefaultInstance());
            assertEquals(1, ops.size(), ops.toString());
            Operation set = ops.get(0);
            assertEquals("vm set", set.getKind());
            assertEquals(List.of("calm-otter"), set.getVmsList());
            assertEquals("succeeded", set.getState());
            assertEquals("", set.getError());
            assertTrue(set.hasFinished());
            assertFalse(Instant.ofEpochSecond(set.getFinished().getSeconds())
                    .isBefore(Instant.ofEpochSecond(set.getStarted().getSeconds())));
        }
    }

    @Test
    void aFailedCallIsLoggedUnderTheOpIdItsErrorNames() {
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
                java.util.Iterator<VmEvent> events = VmsGrpc.newBlockingStub(c.channel()).create(CreateVmRequest
                        .newBuilder().setSpec(VmSpec.newBuilder().setName("calm-otter").setVcpu(999)).build());
                events.forEachRemaining(ev -> { });
            });
            List<Operation> ops = ops(c, ListOperationsRequest.newBuilder().setVm("calm-otter").build());
            assertEquals(1, ops.size(), ops.toString());
            assertEquals(OpIds.of(e), ops.get(0).getId());
            assertEquals("vm create", ops.get(0).getKind());
            assertEquals("failed", ops.get(0).getState());
            assertTrue(ops.get(0).getError().contains("vcpu must be between 1 and 64"), ops.get(0).getError());
        }
    }

    @Test
    void oneRefFailingFailsTheOperationWithThatVmsReason() {
        store.insert(stopped("0a1b", "calm-otter"));
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            VmsGrpc.newBlockingStub(c.channel()).delete(RefsRequest.newBuilder().addRefs("nosuch").build());
            VmsGrpc.newBlockingStub(c.channel()).set(SetVmRequest.newBuilder().addRefs("calm-otter").addRefs("nosuch")
                    .setVcpu(2).build());
            List<Operation> ops = ops(c, ListOperationsRequest.getDefaultInstance());
            assertEquals(2, ops.size());
            assertEquals("vm delete", ops.get(0).getKind());
            assertEquals("failed", ops.get(0).getState());
            assertEquals("nosuch: no VM named nosuch", ops.get(0).getError());
            assertEquals("failed", ops.get(1).getState());
            assertEquals(List.of("calm-otter"), ops.get(1).getVmsList());
            assertEquals("nosuch: no VM named nosuch", ops.get(1).getError());
        }
    }

    @Test
    void oneVmsOperationsStayFindableByNameAfterItIsDeleted() {
        store.insert(stopped("0a1b", "calm-otter"));
        store.insert(stopped("0c2d", "brave-heron"));
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            VmsGrpc.VmsBlockingStub vms = VmsGrpc.newBlockingStub(c.channel());
            vms.set(SetVmRequest.newBuilder().addRefs("calm-otter").setVcpu(2).build());
            vms.set(SetVmRequest.newBuilder().addRefs("brave-heron").setVcpu(2).build());
            vms.set(SetVmRequest.newBuilder().addRefs("calm-otter").addRefs("brave-heron").setMemoryMib(512).build());
            store.delete("0a1b");

            List<Operation> mine = ops(c, ListOperationsRequest.newBuilder().setVm("calm-otter").build());
            assertEquals(2, mine.size(), mine.toString());
            assertEquals(List.of("brave-heron", "calm-otter"), mine.get(1).getVmsList(), "by name: a multi-ref verb touches them in parallel");
            assertEquals(3, ops(c, ListOperationsRequest.getDefaultInstance()).size());
            List<Operation> newest = ops(c, ListOperationsRequest.newBuilder().setLimit(2).build());
            assertEquals(List.of("brave-heron"), newest.get(0).getVmsList(), "the newest two, oldest first");
            assertEquals(2, newest.get(1).getVmsCount());
        }
    }

    @Test
    void operationsAPreviousOrchestratorLeftRunningAreMarkedInterrupted() {
        operations.begin("a1b2c3d4e5f6", OperationKind.VM_START, Instant.now());
        operations.touch("a1b2c3d4e5f6", "calm-otter", null);
        operations.closeLeftovers(Instant.now());
        Operation op = operations.last(5, java.util.Optional.empty()).stream().map(OperationMessages::toProto)
                .findFirst().orElseThrow();
        assertEquals("interrupted", op.getState());
        assertTrue(op.getError().contains("stopped before it finished"), op.getError());
        assertEquals(List.of("calm-otter"), op.getVmsList());
    }

    @Test
    void aBadLimitIsRefused() {
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> ops(c, ListOperationsRequest.newBuilder().setLimit(-1).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        }
    }

    private static List<Operation> ops(UdsChannels.Connection c, ListOperationsRequest r) {
        return SystemGrpc.newBlockingStub(c.channel()).listOperations(r).getOperationsList();
    }

    private static VmRecord stopped(String id, String name) {
        return new VmRecord(id, name, VmState.STOPPED, "img-9", "default", "bookworm", null, 2, 1024, 8L << 30,
                8L << 30, false, "qemu", null, "/s/vms/" + id, null, null, Instant.parse("2026-12-01T10:00:00Z"), null, dev.banger.orchestrator.vmm.GuestInit.LEAN,
                dev.banger.orchestrator.store.VmTimers.NONE);
    }
}
