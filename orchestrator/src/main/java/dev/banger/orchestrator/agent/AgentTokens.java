package dev.banger.orchestrator.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Each VM's agent token: the secret the guest agent checks on every request. Made on
 * the VM's first start, kept (0600) in its directory so the orchestrator can talk to
 * the agent later and across its own restarts, and gone with the VM.
 */
public final class AgentTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentTokens() {
    }

    public static String forVm(Path vmDir) {
        Path file = vmDir.resolve("agent-token");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(vmDir);
            byte[] b = new byte[24];
            RANDOM.nextBytes(b);
            String token = HexFormat.of().formatHex(b);
            Files.writeString(file, token + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the agent token in " + vmDir, e);
        }
    }
}
