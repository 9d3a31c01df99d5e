package dev.banger.net;

import dev.banger.common.exec.ProcessRunner;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Network namespaces a test creates and always deletes: every bridge, TAP, veth and
 * firewall rule a test makes lives in one of these, never in the host's namespace.
 */
final class Netns implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ProcessRunner host = new ProcessRunner();
    private final List<String> created = new ArrayList<>();
    final String id = HexFormat.of().formatHex(RANDOM.generateSeed(3));

    /** Creates banger-t-ID-SUFFIX and returns its name. */
    String add(String suffix) {
        String name = "banger-t-" + id + "-" + suffix;
        host.check("ip", "netns", "add", name);
        created.add(name);
        exec(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    ProcessRunner runnerIn(String ns) {
        return new ProcessRunner(List.of("ip", "netns", "exec", ns));
    }

    dev.banger.common.exec.CommandResult exec(String ns, String... argv) {
        return runnerIn(ns).check(argv);
    }

    boolean tryExec(String ns, String... argv) {
        return runnerIn(ns).run(List.of(argv)).ok();
    }

    /** A veth pair: one end in {@code a} named {@code aName}, the other in {@code b} named {@code bName}. */
    void veth(String a, String aName, String b, String bName) {
        host.check("ip", "link", "add", aName, "netns", a, "type", "veth", "peer", "name", bName, "netns", b);
    }

    @Override
    public void close() {
        for (String ns : created) {
            host.run(List.of("ip", "netns", "del", ns));
        }
    }
}
