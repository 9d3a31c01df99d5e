package dev.banger.cli.doctor;

import dev.banger.common.vmm.KvmSupport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What doctor asks of the machine, behind an interface so the checks can be tested on a pretend host. */
public interface Host {
    /** The full path of a command on PATH. */
    Optional<Path> which(String command);

    boolean exists(Path path);

    boolean readWrite(Path path);

    /** The first bytes of a file, or empty if unreadable. */
    byte[] head(Path path, int n);

    /** Whether a UDP port on 127.0.0.1 can be bound right now. */
    boolean udpPortFree(int port);

    /** Whether KVM can run a stock kernel here, and why not. */
    KvmSupport kvm();

    /** The real machine. */
    Host REAL = new Host() {
        @Override
        public Optional<Path> which(String command) {
            String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
                if (!dir.isEmpty()) {
                    Path p = Path.of(dir, command);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return Optional.of(p);
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public boolean exists(Path path) {
            return Files.exists(path);
        }

        @Override
        public boolean readWrite(Path path) {
            return Files.isReadable(path) && Files.isWritable(path);
        }

        @Override
        public byte[] head(Path path, int n) {
            try (var in = Files.newInputStream(path)) {
                return in.readNBytes(n);
            } catch (IOException e) {
                return new byte[0];
            }
        }

        @Override
        public KvmSupport kvm() {
            return KvmSupport.detect();
        }

        @Override
        public boolean udpPortFree(int port) {
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    };
}
