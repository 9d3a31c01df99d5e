package dev.banger.orchestrator.ssh;

import dev.banger.common.exec.CommandRunner;
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

    /** A guest's SSH host key pair: the private key file's bytes and the public key line. */
    public record HostKey(byte[] privateKey, String publicLine) {
        public String type() {
            return publicLine.split(" ")[0];
        }

        public byte[] publicBlob() {
            return java.util.Base64.getDecoder().decode(publicLine.split(" ")[1]);
        }
    }

    /**
     * The VM's own SSH host key, made on its first start and kept in its directory (so
     * gone with the VM). banger gives it to the guest, so it knows the key before the
     * first connection: nothing is trusted on first use, and the guest skips generating one.
     */
    public HostKey guestHostKey(Path vmDir) {
        Path key = vmDir.resolve("ssh_host_ed25519_key");
        try {
            if (!Files.isRegularFile(key)) {
                Files.createDirectories(vmDir);
                Files.deleteIfExists(Path.of(key + ".pub"));
                run.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key.toString());
            }
            return new HostKey(Files.readAllBytes(key), Files.readString(Path.of(key + ".pub")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the SSH host key in " + vmDir, e);
        }
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
