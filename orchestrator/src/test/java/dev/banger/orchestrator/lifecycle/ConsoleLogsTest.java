package dev.banger.orchestrator.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogsTest {
    @TempDir
    Path tmp;

    @Test
    void aGuestPrintingWithoutEndCostsAtMostTheCapAndTheWriterCarriesOn() throws Exception {
        Path log = tmp.resolve("console.log");
        byte[] chunk = new byte[1 << 20];
        new Random(3).nextBytes(chunk);
        try (FileOutputStream vmm = new FileOutputStream(log.toFile(), true)) { // O_APPEND, as QEMU's append=on
            for (int i = 0; i < 9; i++) {
                vmm.write(chunk);
            }
            vmm.flush();
            assertTrue(ConsoleLogs.cap(log));
            assertEquals(0, Files.size(log));
            assertArrayEquals(chunk, Files.readAllBytes(tmp.resolve("console.log.1")), "the last MiB is kept");
            vmm.write("after\n".getBytes());
        }
        assertEquals("after\n", Files.readString(log), "the writer continues at the new end, no hole");
        assertFalse(ConsoleLogs.cap(log), "small logs are left alone");
        assertFalse(Arrays.asList(tmp.toFile().list()).contains(".console.log.1.tmp"));
    }

    @Test
    void anErrorQuotesTheLastLinesOfAConsoleWithoutItsControlBytes() throws Exception {
        Path log = tmp.resolve("console.log");
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            big.append("boot line ").append(i).append('\n');
        }
        Files.writeString(log, big + "[  OK  ] Started ssh.service.\r\r\n\u001b[31mKernel panic - not syncing\u0007\n\n");
        assertEquals("boot line 1999 | [  OK  ] Started ssh.service. | ?[31mKernel panic - not syncing?",
                ConsoleLogs.lastLines(log, 3));
        assertEquals("", ConsoleLogs.lastLines(tmp.resolve("none.log"), 3), "no console yet: nothing to quote");
    }
}
