package dev.banger.orchestrator.vm;

import dev.banger.common.ids.Names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VmNamesTest {
    @Test
    void namesAreOneDnsLabelNeverNormalised() {
        for (String ok : new String[] {"a", "calm-otter", "vm1", "0", "a".repeat(63)}) {
            assertEquals(ok, Names.requireVmName(ok));
        }
        for (String bad : new String[] {"", "-a", "a-", "Calm", "calm_otter", "a.b", "a b", "a".repeat(64), "é",
                null}) {
            assertThrows(IllegalArgumentException.class, () -> Names.requireVmName(bad), String.valueOf(bad));
        }
    }

    @Test
    void generatedNamesAreReadableValidAndFree() {
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String n = VmNames.generate(taken);
            assertTrue(n.matches("[a-z]+-[a-z]+(-\\d+)?"), n);
            Names.requireVmName(n);
            assertFalse(taken.contains(n));
            taken.add(n);
        }
    }

    @Test
    void whenEveryPairIsTakenANumberIsAdded() {
        Set<String> all = new HashSet<>();
        for (String a : VmNames.ADJECTIVES) {
            for (String b : VmNames.NOUNS) {
                all.add(a + "-" + b);
            }
        }
        String n = VmNames.generate(all);
        assertTrue(n.endsWith("-2"), n);
    }
}
