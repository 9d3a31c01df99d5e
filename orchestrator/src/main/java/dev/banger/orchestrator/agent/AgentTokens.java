package dev.banger.orchestrator.agent;

import dev.banger.common.layout.VmDir;
import dev.banger.common.ids.RandomIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.banger.common.fs.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Each VM's agent token: the secret the guest agent checks on every request. Made on
 * the VM's first start, kept (0600) in its directory so the orchestrator can talk to
 * the agent later and across its own restarts, and gone with the VM.
 */
public final class AgentTokens {
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{48}");

    private AgentTokens() {
    }

    /**
     * The VM's token, made on first use. A file that does not hold a token (emptied by a
     * kill or a full disk) is replaced, never read as the token; two callers racing on
     * the first use get the same one.
     */
    public static String forVm(Path vmDir) {
        Path file = new VmDir(vmDir).agentToken();
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                if (Files.isRegularFile(file)) {
                    String kept = Files.readString(file).strip();
                    if (TOKEN.matcher(kept).matches()) {
                        return kept;
                    }
                    Files.deleteIfExists(file);
                }
                AtomicFiles.createIfAbsent(file, (RandomIds.hex(24) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            throw new IOException("the token file keeps changing under us");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the agent token in " + vmDir, e);
        }
    }
}
