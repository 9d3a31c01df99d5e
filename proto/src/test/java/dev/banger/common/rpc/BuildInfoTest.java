package dev.banger.common.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuildInfoTest {
    @Test
    void buildIsStampedWithVersionCommitAndTime() {
        var b = BuildInfo.current();
        assertFalse(b.getVersion().contains("${"), b.getVersion());
        assertFalse(b.getVersion().equals("unknown"), "the version comes from the pom");
        assertTrue(b.getBuilt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), b.getBuilt());
        assertTrue(b.getCommit().matches("[0-9a-f]{7,}(-dirty)?|unknown"), b.getCommit());
    }

    @Test
    void describeNamesAllThree() {
        var b = dev.banger.proto.common.v1.BuildInfo.newBuilder().setVersion("1.2.3").setCommit("abc1234")
                .setBuilt("2026-01-01T00:00:00Z").build();
        assertEquals("1.2.3 (commit abc1234, built 2026-01-01T00:00:00Z)", BuildInfo.describe(b));
    }
}
