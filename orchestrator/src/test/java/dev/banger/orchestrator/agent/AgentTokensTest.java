package dev.banger.orchestrator.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTokensTest {
    @TempDir
    Path vmDir;

    @Test
    void anEmptiedTokenFileIsReplacedNotReadAsTheToken() throws Exception {
        Files.writeString(vmDir.resolve("agent-token"), ""); // what a kill or ENOSPC mid-write leaves
        String token = AgentTokens.forVm(vmDir);
        assertTrue(token.matches("[0-9a-f]{48}"), token);
        assertEquals(token, AgentTokens.forVm(vmDir), "kept from then on");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(vmDir.resolve("agent-token"))));
    }

    @Test
    void callersRacingOnTheFirstUseGetOneToken() {
        List<CompletableFuture<String>> all = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> AgentTokens.forVm(vmDir.resolve("vm")))).toList();
        assertEquals(1, all.stream().map(CompletableFuture::join).distinct().count());
    }
}
