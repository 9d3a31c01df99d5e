package dev.banger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NET-6's guest side, against a /proc laid out as Linux lays it out. */
class ListenersTest {
    static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    @TempDir
    Path proc;

    void process(int pid, String comm, String cmdline, String... inodes) throws Exception {
        Path fd = Files.createDirectories(proc.resolve(pid + "/fd"));
        Files.writeString(proc.resolve(pid + "/comm"), comm + "\n");
        Files.writeString(proc.resolve(pid + "/cmdline"), cmdline.replace(' ', '\0') + "\0");
        for (int i = 0; i < inodes.length; i++) {
            Files.createSymbolicLink(fd.resolve(Integer.toString(i + 3)), Path.of("socket:[" + inodes[i] + "]"));
        }
    }

    @Test
    void listeningTcpAndBoundUdpSocketsWithTheirProcesses() throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), HEADER
                + "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0\n"
                + "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 100 0 0 10 0\n"
                + "   2: 030010AC:0016 020010AC:C350 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 100 0 0 10 0\n");
        Files.writeString(proc.resolve("net/tcp6"), HEADER
                + "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0\n"
                + "   1: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0 100 0 0 10 0\n");
        Files.writeString(proc.resolve("net/udp"), HEADER
                + "  10: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 6666 2 0000000000000000 0\n"
                + "  11: 030010AC:D431 010010AC:0035 01 00000000:00000000 00:00000000 00000000     0        0 7777 2 0000000000000000 0\n");
        Files.writeString(proc.resolve("net/udp6"), HEADER);
        process(120, "sshd", "/usr/sbin/sshd -D", "1111");
        process(300, "httpd", "busybox httpd -f -p 8080", "4444", "2222");
        String out = new Listeners(proc).describe();
        assertEquals("tcp\t0.0.0.0\t22\t120\tsshd\t/usr/sbin/sshd -D\n"
                + "tcp\t127.0.0.1\t8080\t300\thttpd\tbusybox httpd -f -p 8080\n"
                + "tcp\t::\t8080\t300\thttpd\tbusybox httpd -f -p 8080\n"
                + "tcp\t::1\t3000\t0\t\t\n"
                + "udp\t0.0.0.0\t68\t0\t\t\n", out);
    }

    @Test
    void ipv6AddressesAreWrittenAsRfc5952Says() {
        assertEquals("::", Listeners.address("00000000000000000000000000000000"));
        assertEquals("::1", Listeners.address("00000000000000000000000001000000"));
        assertEquals("::ffff:127.0.0.1", Listeners.address("0000000000000000FFFF00000100007F"));
        assertEquals("fe80::1", Listeners.address("000080FE000000000000000001000000"));
        assertEquals("10.0.2.15", Listeners.address("0F02000A"));
    }
}
