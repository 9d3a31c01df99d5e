package dev.banger.cli.smoke;

import static dev.banger.cli.smoke.Scenarios.expect;
import static dev.banger.cli.smoke.Scenarios.expectOk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.common.exec.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reaching a VM like a host on the network (issue 12): .vm DNS, ssh-config, ports, logs
 * and stats, checked with the tools a user has (dig, ssh, curl).
 */
final class ReachScenarios {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReachScenarios() {
    }

    static String ip(SmokeHarness h, String vm) throws Exception {
        return JSON.readTree(h.banger("vm", "show", vm, "-o", "json").stdout()).path("ip").asText();
    }

    static CommandResult dig(SmokeHarness h, String name, String type) {
        return h.inNetns("dig", "@127.0.0.1", "-p", "42069", "+time=2", "+tries=2", name, type);
    }

    static void register(Map<String, Scenarios.Scenario> all) {
        all.put("dns-answers-for-vm-names", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-dns"), "create");
            String ip = ip(h, "smoke-dns");
            CommandResult a = dig(h, "smoke-dns.vm", "A");
            expect(a.ok() && a.stdout().contains("status: NOERROR") && a.stdout().matches("(?s).*smoke-dns\\.vm\\.\\s+\\d+\\s+IN\\s+A\\s+"
                    + ip.replace(".", "\\.") + "\\s.*") && a.stdout().contains(" aa "), "an authoritative A record", a);
            CommandResult tcp = h.inNetns("dig", "@127.0.0.1", "-p", "42069", "+tcp", "+short", "smoke-dns.vm", "A");
            expect(tcp.stdout().strip().equals(ip), "the same over TCP", tcp);
            CommandResult nx = dig(h, "nobody-here.vm", "A");
            expect(nx.stdout().contains("status: NXDOMAIN"), "NXDOMAIN for an unknown .vm name", nx);
            CommandResult aaaa = dig(h, "smoke-dns.vm", "AAAA");
            expect(aaaa.stdout().contains("status: NOERROR") && aaaa.stdout().contains("ANSWER: 0"),
                    "no AAAA for a known name", aaaa);
            CommandResult refused = dig(h, "example.com", "A");
            expect(refused.stdout().contains("status: REFUSED"), "REFUSED for other zones", refused);
            CommandResult status = h.banger("daemon", "status");
            expect(status.stdout().contains("dns:   127.0.0.1:42069"), "daemon status shows the DNS listener", status);
            // The records come back from the running VMs after a restart of the daemon.
            expectOk(h.banger("daemon", "stop"), "daemon stop");
            Path hosts = Path.of("/etc/netns", h.netns, "hosts");
            expect(!Files.exists(hosts) || !Files.readString(hosts).contains("smoke-dns.vm"),
                    "the host forgets the names when the daemon stops", null);
            expectOk(h.banger("daemon", "start"), "daemon start");
            CommandResult again = null;
            for (int i = 0; i < 20; i++) {
                again = h.inNetns("dig", "@127.0.0.1", "-p", "42069", "+short", "smoke-dns.vm", "A");
                if (again.stdout().strip().equals(ip)) {
                    break;
                }
                Thread.sleep(250);
            }
            expect(again.stdout().strip().equals(ip), "the A record is rebuilt after a daemon restart", again);
            expectOk(h.banger("vm", "stop", "smoke-dns"), "stop");
            CommandResult stopped = dig(h, "smoke-dns.vm", "A");
            expect(stopped.stdout().contains("status: NXDOMAIN"), "a stopped VM has no record", stopped);
            expectOk(h.banger("vm", "delete", "smoke-dns"), "delete");
        });
        all.put("ssh-config-names-and-ports", h -> {
            Path ssh = Files.createDirectories(h.home().resolve(".ssh"));
            Path config = ssh.resolve("config");
            String before = "Host example\n    HostName 192.0.2.1\n    User someone"; // no final newline
            Files.writeString(config, before);
            expectOk(h.banger("ssh-config", "--install"), "ssh-config --install");
            expectOk(h.banger("vm", "create", "--name", "smoke-web"), "create");
            expectOk(h.banger("vm", "exec", "smoke-web", "--", "sh", "-c", "mkdir -p /srv/www && echo hello-from-vm"
                    + " > /srv/www/index.html && setsid busybox httpd -p 8080 -h /srv/www </dev/null >/dev/null 2>&1"), "busybox httpd in the guest");
            // Plain `ssh root@NAME.vm`, as typed: ssh reads ~/.ssh/config from the passwd entry's
            // home (root's), so the sandbox's home is mounted there in a private mount namespace
            // (the real /root is never touched).
            CommandResult hostname = h.inNetns("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount --bind \"$0\" /root && exec ssh -o ConnectTimeout=20 root@smoke-web.vm hostname",
                    h.home().toString());
            expect(hostname.ok() && hostname.stdout().strip().equals("smoke-web"), "ssh root@NAME.vm with ssh-config",
                    hostname);
            CommandResult curl = h.inNetns("curl", "-sS", "--max-time", "10", "http://smoke-web.vm:8080/");
            expect(curl.ok() && curl.stdout().strip().equals("hello-from-vm"), "curl http://NAME.vm:8080", curl);
            CommandResult ports = h.banger("vm", "ports", "smoke-web");
            expect(ports.ok() && ports.stdout().matches("(?s).*tcp\\s+http://smoke-web\\.vm:8080\\s+busybox\\s+busybox httpd.*")
                    && ports.stdout().matches("(?s).*tcp\\s+smoke-web\\.vm:22\\s+sshd\\s.*"),
                    "vm ports shows sshd and the web server as a URL", ports);
            JsonNode json = JSON.readTree(h.banger("vm", "ports", "smoke-web", "-o", "json").stdout());
            boolean found = false;
            for (JsonNode p : json) {
                found |= p.path("url").asText().equals("http://smoke-web.vm:8080") && p.path("reachable").asBoolean();
            }
            expect(found, "vm ports -o json uses the API's field names", null);
            expectOk(h.banger("ssh-config", "--uninstall"), "ssh-config --uninstall");
            expect(Files.readString(config).equals(before), "the user's config is as it was, byte for byte", null);
            expectOk(h.banger("vm", "delete", "smoke-web"), "delete");
        });
        all.put("logs-and-stats", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-logs"), "create");
            CommandResult console = h.banger("vm", "logs", "smoke-logs", "--console");
            expect(console.ok() && console.stdout().contains("Server listening on")
                    && console.stdout().contains("banger-config: smoke-logs, eth0 "),
                    "the serial console (sshd logs there, and the address the boot gave the VM)", console);
            expectOk(h.banger("vm", "logs", "smoke-logs"), "the VMM log");
            Process follow = h.process("vm", "logs", "-f", "--console", "smoke-logs");
            try {
                expectOk(h.banger("vm", "exec", "smoke-logs", "--", "sh", "-c", "echo smoke-marker-42 > /dev/console"),
                        "a line on the guest's console");
                String seen = SmokeHarness.readUntil(follow.getInputStream(), "smoke-marker-42", 20_000);
                expect(seen.contains("smoke-marker-42"), "vm logs -f shows what the guest writes afterwards", null);
            } finally {
                follow.destroy();
            }
            CommandResult stats = h.banger("vm", "stats", "smoke-logs", "-o", "json");
            JsonNode s = JSON.readTree(stats.stdout()).path(0);
            expect(stats.ok() && s.path("rssBytes").asLong() > 0 && s.path("guestMemoryTotalBytes").asLong() > 0
                    && s.path("guestUptimeSeconds").asLong() > 0 && s.has("cpuPercent"),
                    "vm stats: the VMM's CPU and RSS, the guest's memory and uptime", stats);
            CommandResult table = h.banger("vm", "stats");
            expect(table.ok() && table.stdout().contains("smoke-logs"), "vm stats lists running VMs", table);
            expectOk(h.banger("vm", "delete", "smoke-logs"), "delete");
        });
        all.put("session-survives-a-daemon-restart", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-sess"), "create");
            CommandResult start = h.banger("vm", "session", "start", "smoke-sess", "--name", "counter", "--", "sh", "-c",
                    "i=0; while :; do echo \"tick $i\"; i=$((i+1)); sleep 1; done");
            expect(start.ok() && start.stdout().startsWith("started session counter in smoke-sess"), "session start", start);
            Thread.sleep(2500);
            expectOk(h.banger("daemon", "stop"), "daemon stop");
            Thread.sleep(3000);
            expectOk(h.banger("daemon", "start"), "daemon start");
            CommandResult logs = h.banger("vm", "session", "logs", "smoke-sess", "counter");
            int last = lastTick(logs.stdout());
            expect(logs.ok() && logs.stdout().startsWith("tick 0\ntick 1\n") && last >= 5,
                    "the counter kept counting while the daemon was down (one process, no restart)", logs);
            CommandResult list = h.banger("vm", "session", "list", "smoke-sess");
            expect(list.stdout().matches("(?s).*counter\\s+running\\s.*"), "listed as running", list);
            Process attach = h.process("vm", "session", "attach", "smoke-sess", "counter");
            String seen = SmokeHarness.readUntil(attach.getInputStream(), "tick " + (last + 2), 15_000);
            expect(seen.contains("tick " + (last + 2)), "attach shows the live output", null);
            attach.getOutputStream().write(new byte[] {0x1d, '\n'});
            attach.getOutputStream().flush();
            expect(attach.waitFor(15, java.util.concurrent.TimeUnit.SECONDS) && attach.exitValue() == 0,
                    "Ctrl-] detaches", null);
            expectOk(h.banger("vm", "session", "start", "smoke-sess", "--name", "echo", "--", "sh", "-c",
                    "while read l; do echo \"got $l\"; done"), "a session that reads stdin");
            Process talk = h.process("vm", "session", "attach", "smoke-sess", "echo");
            Thread.sleep(1500);
            talk.getOutputStream().write("hello there\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            talk.getOutputStream().flush();
            String answer = SmokeHarness.readUntil(talk.getInputStream(), "got hello there", 15_000);
            talk.getOutputStream().close(); // Ctrl-D: detach
            expect(answer.contains("got hello there"), "attach feeds the session's stdin", null);
            expect(talk.waitFor(15, java.util.concurrent.TimeUnit.SECONDS), "EOF detaches", null);
            CommandResult stop = h.banger("vm", "session", "stop", "smoke-sess", "counter");
            expect(stop.ok() && stop.stdout().contains("exited, status 143"), "stop ends it by TERM", stop);
            CommandResult after = h.banger("vm", "session", "list", "smoke-sess");
            expect(after.stdout().matches("(?s).*counter\\s+exited\\s+143\\s.*")
                    && after.stdout().matches("(?s).*echo\\s+running\\s.*"), "the list shows both", after);
            expectOk(h.banger("vm", "delete", "smoke-sess"), "delete");
        });
    }

    static int lastTick(String out) {
        int last = -1;
        for (String line : out.split("\n")) {
            if (line.startsWith("tick ")) {
                last = Integer.parseInt(line.substring(5).strip());
            }
        }
        return last;
    }
}
