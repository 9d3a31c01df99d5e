package dev.banger.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmCommandTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    static Vm vm(String name, String ip) {
        return Vm.newBuilder().setName(name).setState(VmState.RUNNING).setImageName("default").setIp(ip).setVcpu(2)
                .setMemoryMib(2048).setCreated(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 125)).build();
    }

    @Test
    void tableShowsImageNameAndAge() {
        assertEquals("""
                NAME        STATE    IMAGE    IP          VCPU  MEMORY    AGE    TTL
                calm-otter  running  default  172.16.0.2  2     2048 MiB  2m05s  -
                bare        running  default  -           2     2048 MiB  2m05s  -
                """, VmCommand.table(List.of(vm("calm-otter", "172.16.0.2"), vm("bare", "")), NOW));
    }

    @Test
    void aPausedVmSaysSo_andATtlShowsTheTimeLeft() {
        Vm paused = vm("calm-otter", "172.16.0.2").toBuilder().setState(VmState.PAUSED)
                .setExpires(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() + 29 * 60 + 5)).build();
        assertEquals("""
                NAME        STATE   IMAGE    IP          VCPU  MEMORY    AGE    TTL
                calm-otter  paused  default  172.16.0.2  2     2048 MiB  2m05s  29m05s left
                """, VmCommand.table(List.of(paused), NOW));
    }

    @Test
    void emptyListIsJustTheHeader() {
        assertEquals("NAME  STATE  IMAGE  IP  VCPU  MEMORY  AGE  TTL\n", VmCommand.table(List.of(), NOW));
    }

    @Test
    void jsonIsAnArrayThatParsesBack() throws Exception {
        assertEquals("[]\n", VmCommand.json(List.of()));
        String out = VmCommand.json(List.of(vm("a", "172.16.0.2"), vm("b", "")));
        assertTrue(out.startsWith("[\n{"), out);
        var parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertEquals(2, parsed.size());
        Vm.Builder back = Vm.newBuilder();
        JsonFormat.parser().merge(parsed.get(0).toString(), back);
        assertEquals(vm("a", "172.16.0.2"), back.build());
    }
}
