package dev.banger.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MarkedBlockTest {
    final MarkedBlock block = new MarkedBlock("banger test");

    @Test
    void removingTheBlockGivesBackTheFileExactlyWhateverItEndedWith() {
        for (String original : new String[] {"", "a\n", "a", "a\n\n", "Host x\n  User y", "\n"}) {
            String with = block.with(original, "line 1\nline 2\n");
            assertTrue(block.in(with), with);
            assertTrue(with.startsWith(original), with);
            assertEquals(original, block.without(with), "round trip of '" + original + "'");
            assertEquals(with, block.with(with, "line 1\nline 2\n"), "adding again changes nothing");
        }
    }

    @Test
    void textAfterTheBlockIsKeptAndAnEmptyBodyRemovesIt() {
        String with = block.with("a\n", "x\n") + "later\n";
        assertEquals("a\nlater\n", block.without(with));
        assertEquals("a\nlater\n", block.with(with, ""));
        assertFalse(block.in(block.without(with)));
    }
}
