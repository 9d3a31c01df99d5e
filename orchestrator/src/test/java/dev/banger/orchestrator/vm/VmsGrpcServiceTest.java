package dev.banger.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmState;
import dev.banger.proto.api.v1.VmsGrpc;
import dev.banger.common.rpc.UdsChannels;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Vms.List as a client sees it: over the orchestrator's real Unix socket. */
@QuarkusTest
class VmsGrpcServiceTest {
    @Inject
    VmStore store;
    @ConfigProperty(name = "banger.socket")
    Path socket;

    @AfterEach
    void clean() {
        store.list().forEach(v -> store.delete(v.id()));
    }

    @Test
    void listIsEmptyOnAFreshStore() {
        assertEquals(List.of(), list());
    }

    @Test
    void listShowsWhatTheStoreHolds() {
        store.insert(new VmRecord("0f3c", "calm-otter", dev.banger.orchestrator.store.VmState.RUNNING, "img-9", "default", "bookworm", "172.16.0.5", 4,
                4096, 16L << 30, 8L << 30, true, "qemu", 4242L, "/s/vms/0f3c", "/root/repo", null,
                Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:02Z"), dev.banger.orchestrator.vmm.GuestInit.LEAN,
                dev.banger.orchestrator.store.VmTimers.NONE));
        List<Vm> vms = list();
        assertEquals(1, vms.size());
        Vm vm = vms.get(0);
        assertEquals("calm-otter", vm.getName());
        assertEquals(VmState.RUNNING, vm.getState());
        assertEquals("default", vm.getImageName());
        assertEquals("172.16.0.5", vm.getIp());
        assertEquals(4, vm.getVcpu());
        assertEquals(4096, vm.getMemoryMib());
        assertEquals(4242L, vm.getVmmPid());
        assertEquals(true, vm.getNat());
        assertEquals(Instant.parse("2026-11-23T10:00:00Z").getEpochSecond(), vm.getCreated().getSeconds());
    }

    private List<Vm> list() {
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            return VmsGrpc.newBlockingStub(c.channel()).list(ListVmsRequest.getDefaultInstance()).getVmsList();
        }
    }
}
