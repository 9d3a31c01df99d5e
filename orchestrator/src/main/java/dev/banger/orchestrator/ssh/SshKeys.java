package dev.banger.orchestrator.ssh;

import dev.banger.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * banger's own SSH identity and known_hosts (OPS-6: STATE/ssh/id_ed25519). Made once,
 * never touching the user's ~/.ssh; only these exact files are ever written.
 */
public final class SshKeys {
    private final Path dir;
    private final CommandRunner run;

    public SshKeys(Path stateDir, CommandRunner run) {
        this.dir = stateDir.resolve("ssh");
        this.run = run;
    }

    public Path privateKey() {
        return dir.resolve("id_ed25519");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** The public key line for the guest's authorized_keys, generating the pair on first use. */
    public synchronized String publicKey() {
        try {
            if (!Files.isRegularFile(privateKey())) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                run.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "banger", "-f", privateKey().toString());
            }
            return Files.readString(dir.resolve("id_ed25519.pub")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read banger's SSH key in " + dir, e);
        }
    }
}
