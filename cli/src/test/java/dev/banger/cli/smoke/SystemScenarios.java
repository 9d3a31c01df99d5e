package dev.banger.cli.smoke;

import static dev.banger.cli.smoke.Scenarios.expect;
import static dev.banger.cli.smoke.Scenarios.expectOk;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OPS-3/OPS-4/OPS-8 where systemd really runs: a banger VM booted with its image's
 * systemd (--init systemd) gets releases made here with a fresh key, installs the first
 * with install.sh, and is driven through system status, update (its restart is `system
 * restart`'s, SystemdServicesTest has the command's own), a rollback from a release whose
 * orchestrator cannot start, and uninstall. A process put in the
 * orchestrator's cgroup stands in for a VMM (a nested VM is not needed): it must survive
 * every restart. Each step asserts what a user would see.
 */
final class SystemScenarios {
    private static final String VM = "smoke-sysd";
    private static final String OWNER = "dev";

    private SystemScenarios() {
    }

    static void register(Map<String, Scenarios.Scenario> all) {
        all.put("system-install-update-rollback-uninstall-under-systemd", SystemScenarios::run);
    }

    private static void run(SmokeHarness h) throws Exception {
        Path rel = releases(h);
        expectOk(h.banger("vm", "create", "--name", VM, "--init", "systemd"), "create with --init systemd");
        try {
            CommandResult init = guest(h, "cat /proc/1/comm; systemctl is-system-running --wait");
            expect(init.ok() && init.stdout().startsWith("systemd\n"), "the guest runs systemd as PID 1", init);
            // How far the boot got is on the console, for a guest that never answers.
            CommandResult console = h.banger("vm", "logs", VM, "--console");
            expect(console.stdout().contains("Started ssh.service") && console.stdout().contains("banger-config: " + VM + ", eth0 "),
                    "systemd lists its units on the console, banger-config the VM's address", console);
            copyIn(h, rel);
            // The root disk is the image's size: /usr/local goes on the work disk, at its own path.
            expectOk(guest(h, "useradd -m " + OWNER + " && mkdir -p /root/local && mount --bind /root/local /usr/local"),
                    "an owner and room for the install");

            CommandResult install = guest(h, withJournal("/root/rel/install.sh --base-url file:///root/rel --version v1.0.0"
                    + " --owner " + OWNER + " --pubkey-file /root/rel/pub.pem --yes"));
            expect(install.ok() && install.stderr().contains("/usr/local/lib/banger/1.0.0/")
                    && install.stdout().contains("wrote /etc/systemd/system/banger-orchestrator.service")
                    && install.stdout().contains("runs as system services for " + OWNER),
                    "install.sh installs 1.0.0 and system install starts its units, saying what it writes", install);
            expectActive(h, "after install");
            CommandResult units = guest(h, "systemctl show -p User banger-orchestrator banger-net --value;"
                    + " stat -c '%U %a' /run/banger /var/lib/banger");
            expect(units.stdout().equals(OWNER + "\n\nroot\n" + OWNER + " 770\n" + OWNER + " 750\n"),
                    "the orchestrator runs as the owner, the net service as root; the paths are the owner's", units);
            CommandResult again = guest(h, "banger system install --owner " + OWNER);
            expect(again.ok() && !again.stdout().contains("wrote /etc/systemd"), "a second install rewrites no unit",
                    again);

            CommandResult standIn = guest(h, "setsid sleep 100000 > /dev/null 2>&1 < /dev/null & echo $! > /root/vmm.pid;"
                    + " echo $(cat /root/vmm.pid) > /sys/fs/cgroup/system.slice/banger-orchestrator.service/cgroup.procs;"
                    + " cat /root/vmm.pid");
            expect(standIn.ok(), "a stand-in VMM in the orchestrator's cgroup", standIn);
            // OPS-6 and OPS-4 in one restart (each restart is four JVMs starting in an emulated
            // guest, ~90 s): the services read /etc/banger/config.properties themselves, and the
            // update's restart (SystemdServices.restartAndAwait, which is all `system restart`
            // does under systemd) brings 1.1.0 up reading it, leaving a VMM alone. (A bad file
            // stopping each service, with the unit's command line, is DaemonIT's.)
            expectOk(guest(h, "echo 'dns.port = 42070' > /etc/banger/config.properties"), "a setting in the config file");
            CommandResult update = guest(h, withJournal("banger update --to 1.1.0" + source()));
            expect(update.ok() && update.stdout().contains("services restarted on 1.1.0"), "update to 1.1.0", update);
            CommandResult version = guest(h, "banger version; banger system status | grep '^dns:';"
                    + " readlink /usr/local/lib/banger/current");
            expect(version.stdout().contains("release: 1.1.0\n") && version.stdout().endsWith("\ndns:   127.0.0.1:42070\n1.1.0\n"),
                    "1.1.0 runs after the update, and the setting in the system config file reaches it under systemd",
                    version);
            expectStandInAlive(h, "the update's restart");

            // The rollback's restart also takes the services back to the defaults.
            expectOk(guest(h, "rm /etc/banger/config.properties"), "the config file removed");
            CommandResult broken = guest(h, "banger update --to 1.2.0" + source());
            expect(broken.exit() == 1 && broken.stderr().contains("rolled back to 1.1.0"),
                    "an update whose orchestrator does not start is rolled back, and says so", broken);
            expect(guest(h, "readlink /usr/local/lib/banger/current").stdout().equals("1.1.0\n"),
                    "current names 1.1.0 again", null);
            CommandResult active = expectActive(h, "after the rollback");
            expect(!active.stdout().contains(":42070"), "the rollback's restart read the config file again (gone)", active);
            expectStandInAlive(h, "the rollback's restarts");

            CommandResult uninstall = guest(h, "banger system uninstall");
            expect(uninstall.ok(), "system uninstall", uninstall);
            CommandResult left = guest(h, "ls /etc/systemd/system /etc/systemd/system/multi-user.target.wants"
                    + " | grep -cE '^banger-(net|storage|image|orchestrator)\\.service$'; ls /usr/local/lib/banger"
                    + " /usr/local/bin/banger /etc/banger/install.json 2>&1 | grep -vc 'No such file';"
                    + " test -d /var/lib/banger && echo state-kept");
            expect(left.stdout().equals("0\n0\nstate-kept\n"), "uninstall leaves no unit or binary, keeps the state",
                    left);
            expectStandInAlive(h, "uninstall (its units stop with KillMode=process)");
            // A CLI outside /usr/local (the plain uninstall took that one), unpacked from the release.
            CommandResult purge = guest(h, "mkdir -p /root/standalone && tar -xzf /root/rel/1.1.0/banger-1.1.0-linux-amd64.tar.gz"
                    + " -C /root/standalone --strip-components=1 && /root/standalone/bin/banger system uninstall --purge;"
                    + " ls -d /var/lib/banger /var/cache/banger"
                    + " /etc/banger /run/banger /etc/tmpfiles.d/banger.conf 2>&1 | grep -vc 'No such file'");
            expect(purge.stdout().endsWith("0\n"), "uninstall --purge leaves nothing of banger", purge);
        } finally {
            h.banger("vm", "delete", VM);
        }
    }

    /** 1.0.0 and 1.1.0 of this build, and 1.2.0 whose orchestrator jar is not a jar, all signed with a fresh key. */
    private static Path releases(SmokeHarness h) throws Exception {
        Path dir = h.scratch("system-releases");
        ProcessRunner run = new ProcessRunner();
        Path key = dir.resolve("key.pem");
        check(run, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        Path out = dir.resolve("rel");
        check(run, "openssl", "ec", "-in", key.toString(), "-pubout", "-out", dir.resolve("pub.pem").toString());
        String release = h.dist.resolve("deploy/release").toString();
        check(run, release, "1.0.0", "--key", key.toString(), "--out", out.toString());
        check(run, release, "1.1.0", "--key", key.toString(), "--out", out.toString());
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        check(run, "tar", "-xzf", out.resolve("1.1.0/banger-1.1.0-linux-amd64.tar.gz").toString(), "-C", tree.toString());
        Path dist = tree.resolve("banger-1.1.0");
        // A new file, not a write through it: the release's identical files are hard links.
        Files.delete(dist.resolve("orchestrator/quarkus-run.jar"));
        Files.writeString(dist.resolve("orchestrator/quarkus-run.jar"), "not a jar\n");
        check(run, release, "1.2.0", "--key", key.toString(), "--out", out.toString(), "--tree", dist.toString());
        Files.copy(dir.resolve("pub.pem"), out.resolve("pub.pem"));
        return dir;
    }

    private static void copyIn(SmokeHarness h, Path dir) {
        Path state = h.bangerHome().resolve("state/ssh");
        String ip = h.banger("vm", "show", VM, "-o", "json").stdout().replaceAll("(?s).*\"ip\": \"([0-9.]+)\".*", "$1");
        // ~190 MB (three releases) into an emulated guest, beside other scenarios' VMs: minutes, not the default minute.
        CommandResult r = h.inNetns(Duration.ofMinutes(10), "scp", "-q", "-r", "-i", state.resolve("id_ed25519").toString(), "-o",
                "UserKnownHostsFile=" + state.resolve("known_hosts"), "-o", "StrictHostKeyChecking=yes",
                dir.resolve("rel").toString(), "root@" + ip + ":/root/");
        expectOk(r, "releases copied into the VM");
    }

    private static String source() {
        return " --manifest-url file:///root/rel/manifest.json --pubkey-file /root/rel/pub.pem";
    }

    /**
     * Four JVMs starting under emulation beside other VMs: a unit systemd is restarting is
     * given up to two minutes, as a user would look again; the journal is kept for a failure.
     */
    private static CommandResult expectActive(SmokeHarness h, String when) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        CommandResult s;
        while (true) {
            s = guest(h, "banger system status");
            boolean up = s.ok() && s.stdout().split("active \\(running\\)", -1).length == 5
                    && !s.stdout().contains("(none)") && s.stdout().contains("vms:   0")
                    && s.stdout().contains("dns:   127.0.0.1:");
            if (up || System.nanoTime() > deadline) {
                if (!up) {
                    s = guest(h, "banger system status; journalctl -u 'banger-*' --no-pager -o short-monotonic -n 60 | cut -c1-2000");
                }
                expect(up, "system status: four units running, DNS, VM count, " + when, s);
                return s;
            }
            Thread.sleep(5000);
        }
    }

    /** The script, and when it fails the services' journal on its stderr: a failure under systemd says why. */
    private static String withJournal(String script) {
        return "{ " + script + "; } || { s=$?; journalctl -u 'banger-*' --no-pager -o short-monotonic -n 150"
                + " | cut -c1-2000 >&2; exit $s; }";
    }

    private static void expectStandInAlive(SmokeHarness h, String after) {
        CommandResult r = guest(h, "kill -0 $(cat /root/vmm.pid) && echo alive");
        expect(r.stdout().equals("alive\n"), "the stand-in VMM survives " + after, r);
    }

    /** A step in the guest; its wall time goes to the log, where this scenario's length is read. */
    private static CommandResult guest(SmokeHarness h, String script) {
        long t0 = System.nanoTime();
        CommandResult r = h.banger("vm", "exec", VM, "--", "bash", "-c", script);
        System.out.printf("smoke   systemd step %5.1f s: %.70s%n", (System.nanoTime() - t0) / 1e9, script.replace('\n', ' '));
        return r;
    }

    private static void check(ProcessRunner run, String... argv) {
        CommandResult r = run.run(new ArrayList<>(List.of(argv)), Duration.ofMinutes(5));
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + r.stderr());
        }
    }
}
