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
    public void replace(String host, String type, byte[] key) {
        replace(List.of(host), type, key);
    }

    /**
     * One line per host for the same key, in one write: a VM is known by its address and
     * by NAME.vm (what `ssh root@NAME.vm` through banger's ssh-config checks).
     */
    public synchronized void replace(List<String> hosts, String type, byte[] key) {
        List<String> kept = new ArrayList<>(lines().stream().filter(l -> hosts.stream().noneMatch(h -> l.startsWith(h + " ")))
                .toList());
        hosts.forEach(h -> kept.add(h + " " + type + " " + Base64.getEncoder().encodeToString(key)));
        write(kept);
    }

    public synchronized void forget(String... hosts) {
        List<String> all = lines();
        List<String> kept = all.stream().filter(l -> java.util.Arrays.stream(hosts).noneMatch(h -> l.startsWith(h + " ")))
                .toList();
        if (kept.size() != all.size()) {
            write(kept);
        }
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
