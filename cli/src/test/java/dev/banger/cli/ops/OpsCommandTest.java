package dev.banger.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import dev.banger.proto.api.v1.Operation;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpsCommandTest {
    @Test
    void showsEachOperationWithItsVmsDurationAndError_aRunningOneHasNoDuration() {
        Operation done = Operation.newBuilder().setId("1a2b3c4d5e6f").setKind("vm start").addVms("calm-otter")
                .addVms("brave-heron").setState("failed").setError("brave-heron: image default is stale")
                .setStarted(Timestamp.newBuilder().setSeconds(1_780_000_000).setNanos(100_000_000))
                .setFinished(Timestamp.newBuilder().setSeconds(1_780_000_004).setNanos(600_000_000)).build();
        Operation running = Operation.newBuilder().setId("0f0e0d0c0b0a").setKind("image build").setState("running")
                .setStarted(Timestamp.newBuilder().setSeconds(1_780_000_010)).build();
        assertEquals("""
                OP            KIND         VM                      STATE    STARTED              TOOK  ERROR
                1a2b3c4d5e6f  vm start     calm-otter,brave-heron  failed   2026-05-28 20:26:40  4.5s  brave-heron: image default is stale
                0f0e0d0c0b0a  image build  -                       running  2026-05-28 20:26:50  -
                """, OpsCommand.table(List.of(done, running), ZoneOffset.UTC));
    }
}
