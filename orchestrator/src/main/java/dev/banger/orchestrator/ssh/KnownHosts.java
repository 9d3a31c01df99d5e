package dev.banger.orchestrator.ssh;

import dev.banger.common.fs.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * banger's known_hosts, in OpenSSH's format so `ssh -o UserKnownHostsFile=...` reads it
 * too. A VM's key (made by banger, SshKeys.guestHostKey) is recorded before it boots and
 * replaces whatever an earlier VM with the same address left (guest IPs are reused).
 */
public final class KnownHosts {
    private final Path file;

    public KnownHosts(Path file) {
        this.file = file;
    }

    public synchronized Optional<String> keyFor(String host) {
        return lines().stream().filter(l -> l.startsWith(host + " ")).map(l -> l.substring(host.length() + 1))
                .findFirst();
    }

    /** Records "HOST TYPE BASE64" for host, dropping any older entry for it. */
    public synchronized void replace(String host, String type, byte[] key) {
        List<String> kept = new ArrayList<>(lines().stream().filter(l -> !l.startsWith(host + " ")).toList());
        kept.add(host + " " + type + " " + Base64.getEncoder().encodeToString(key));
        write(kept);
    }

    public synchronized void forget(String host) {
        if (keyFor(host).isEmpty()) {
            return;
        }
        write(lines().stream().filter(l -> !l.startsWith(host + " ")).toList());
    }

    /** Whole-file replace: a full disk or a kill leaves the old file, never an empty one. */
    private void write(List<String> kept) {
        StringBuilder text = new StringBuilder();
        kept.forEach(l -> text.append(l).append('\n'));
        try {
            AtomicFiles.replace(file, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private List<String> lines() {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
