package dev.banger.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.rpc.OpIds;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTest {
    @Test
    void sizesThatWouldWrapRoundAreRefusedNotShrunk() {
        assertEquals(8L << 30, Sizes.parse("8G", "--disk-size"));
        assertEquals(8589934592L << 10, Sizes.parse("8589934592K", "--disk-size"));
        UserError e = assertThrows(UserError.class, () -> Sizes.parse("17179869185G", "--disk-size"));
        assertTrue(e.getMessage().contains("--disk-size"), e.getMessage());
        assertThrows(UserError.class, () -> Sizes.parse("999999999999T", "--disk-size"));
    }

    @Test
    void tableAlignsColumnsAndTrimsLineEnds() {
        String out = new Table("NAME", "STATE", "IP").row("a", "running", "172.16.0.2").row("long-name", "x", "")
                .render();
        assertEquals("""
                NAME       STATE    IP
                a          running  172.16.0.2
                long-name  x
                """, out);
    }

    @Test
    void tableRefusesARowOfTheWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        assertTrue(Terminal.colourAllowed(true, Map.of("TERM", "xterm")));
        assertFalse(Terminal.colourAllowed(false, Map.of("TERM", "xterm")));
        assertFalse(Terminal.colourAllowed(true, Map.of("NO_COLOR", "")), "NO_COLOR set to anything, even empty");
        assertFalse(Terminal.colourAllowed(true, Map.of("TERM", "dumb")));
        assertEquals("PASS", new Terminal(false).green("PASS"));
        assertEquals("\u001b[31mFAIL\u001b[0m", new Terminal(true).red("FAIL"));
    }

    @Test
    void errorsAreOneLabelledLineWithTheOpId() {
        Metadata trailers = new Metadata();
        trailers.put(OpIds.KEY, "0123456789ab");
        assertEquals("banger: not found: no VM named foo (op 0123456789ab)", ErrorReporter.format(
                Status.NOT_FOUND.withDescription("no VM named foo").asRuntimeException(trailers)));
        assertEquals("banger: bad request: vcpu must be at least 1",
                ErrorReporter.format(Status.INVALID_ARGUMENT.withDescription("vcpu must be at least 1")
                        .asRuntimeException()));
        assertEquals("banger: unavailable: UNAVAILABLE", ErrorReporter.format(Status.UNAVAILABLE.asRuntimeException()));
        assertEquals("banger: already exists: x", ErrorReporter.format(new UserError(ErrorKind.ALREADY_EXISTS, "x")));
        assertEquals("banger: error: boom", ErrorReporter.format(new IllegalStateException("boom")));
    }
}
