package dev.banger.cli.smoke;

import static dev.banger.cli.smoke.Scenarios.expect;
import static dev.banger.cli.smoke.Scenarios.expectOk;

import dev.banger.common.exec.CommandResult;
import java.util.Map;

/** SNAP-1: a snapshot of a running VM, and a VM started from it without a boot; SNAP-2: forks. */
final class SnapshotScenarios {
    private SnapshotScenarios() {
    }

    private static String exec(SmokeHarness h, String vm, String script) {
        CommandResult r = h.banger("vm", "exec", vm, "--", "sh", "-c", script);
        expect(r.ok(), "in " + vm + ": " + script, r);
        return r.stdout().strip();
    }

    static void register(Map<String, Scenarios.Scenario> all) {
        all.put("snapshot-restore-keeps-memory-and-disks-under-a-new-identity", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-snap-src"), "create");
            String pid = exec(h, "smoke-snap-src", "echo on-the-work-disk > /root/marker; echo on-the-root-disk"
                    + " > /etc/smoke-marker; sync; setsid sleep 100000 >/dev/null 2>&1 </dev/null & echo $!");
            String srcIdentity = exec(h, "smoke-snap-src", "cat /sys/class/net/eth0/address"
                    + " /etc/ssh/ssh_host_ed25519_key.pub; head -c 16 /dev/urandom | od -An -tx1");

            CommandResult saved = h.banger("vm", "snapshot", "smoke-snap-src", "--name", "smoke-snap");
            expect(saved.ok() && saved.stdout().contains("as snapshot smoke-snap "), "vm snapshot", saved);
            expect(h.banger("vm", "snapshot", "list").stdout().lines().anyMatch(l -> l.startsWith("smoke-snap ")
                    && l.contains(" smoke-snap-src ")), "vm snapshot list shows it and its VM", null);
            expect(exec(h, "smoke-snap-src", "kill -0 " + pid + " && cat /root/marker").equals("on-the-work-disk"),
                    "the VM runs on after its snapshot", null);

            // Bad input changes nothing.
            CommandResult none = h.banger("vm", "create", "--from-snapshot", "smoke-no-such", "--name", "smoke-snap-x");
            expect(!none.ok() && none.stderr().contains("no snapshot named smoke-no-such"), "an unknown snapshot", none);
            CommandResult resized = h.banger("vm", "create", "--from-snapshot", "smoke-snap", "--memory", "512",
                    "--name", "smoke-snap-x");
            expect(!resized.ok() && resized.stderr().contains("--memory 512 differs from the snapshot's"),
                    "another size is refused", resized);
            expect(!h.banger("vm", "list").stdout().contains("smoke-snap-x"), "no VM recorded for either", null);

            long t0 = System.nanoTime();
            expectOk(h.banger("vm", "create", "--from-snapshot", "smoke-snap", "--name", "smoke-snap-copy"),
                    "create --from-snapshot");
            long restoreMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("smoke: create --from-snapshot took " + restoreMs + " ms");
            expect(exec(h, "smoke-snap-copy", "cat /root/marker /etc/smoke-marker")
                    .equals("on-the-work-disk\non-the-root-disk"), "both disks as they were at the snapshot", null);
            expect(exec(h, "smoke-snap-copy", "kill -0 " + pid + " && echo alive").equals("alive"),
                    "a process from before the snapshot runs on in the copy (its memory was restored)", null);
            expect(exec(h, "smoke-snap-copy", "hostname").equals("smoke-snap-copy"), "the copy's own hostname", null);
            String copyIdentity = exec(h, "smoke-snap-copy", "cat /sys/class/net/eth0/address"
                    + " /etc/ssh/ssh_host_ed25519_key.pub; head -c 16 /dev/urandom | od -An -tx1");
            String[] src = srcIdentity.split("\n");
            String[] copy = copyIdentity.split("\n");
            expect(!src[0].equals(copy[0]), "its own MAC (" + copy[0] + ")", null);
            expect(!src[1].equals(copy[1]), "its own SSH host key", null);
            expect(!src[2].equals(copy[2]), "its own random numbers", null);
            String srcIp = ReachScenarios.ip(h, "smoke-snap-src");
            String copyIp = ReachScenarios.ip(h, "smoke-snap-copy");
            expect(!srcIp.equals(copyIp) && exec(h, "smoke-snap-copy", "ip -4 -o addr show eth0").contains(copyIp + "/"),
                    "its own address (" + copyIp + ")", null);
            long skew = Math.abs(Long.parseLong(exec(h, "smoke-snap-copy", "date +%s")) - System.currentTimeMillis() / 1000);
            expect(skew < 30, "its clock is now, not the snapshot's (" + skew + " s off)", null);
            expect(agentAnswers(h, "smoke-snap-copy"), "the copy's agent answers to the copy's own token", null);
            exec(h, "smoke-snap-copy", "echo copy-only > /root/copy-only; sync");
            expect(exec(h, "smoke-snap-src", "test -e /root/copy-only && echo seen || echo unseen").equals("unseen"),
                    "the copy's writes are its own", null);

            // A snapshot still to be restored by a VM is kept; once nothing waits for it, it goes.
            expectOk(h.banger("vm", "create", "--no-start", "--from-snapshot", "smoke-snap", "--name",
                    "smoke-snap-wait"), "create --no-start --from-snapshot");
            CommandResult inUse = h.banger("vm", "snapshot", "delete", "smoke-snap");
            expect(!inUse.ok() && inUse.stderr().contains("still to be restored by smoke-snap-wait"),
                    "a snapshot a VM waits for is not deleted", inUse);
            expectOk(h.banger("vm", "delete", "smoke-snap-wait", "smoke-snap-src"), "delete");
            expect(exec(h, "smoke-snap-copy", "cat /root/marker").equals("on-the-work-disk"),
                    "the copy runs on without the VM it came from", null);
            expectOk(h.banger("vm", "snapshot", "delete", "smoke-snap"), "snapshot delete");
            expect(!h.banger("vm", "snapshot", "list").stdout().contains("smoke-snap "), "gone from the list", null);
            expectOk(h.banger("vm", "delete", "smoke-snap-copy"), "delete the copy");
        });
        all.put("fork-copies-are-isolated-each-with-its-own-identity", SnapshotScenarios::fork);
        all.put("warm-run-matches-cold-in-a-repository", SnapshotScenarios::warmRun);
    }

    /**
     * SNAP-3: with a warm pool, `vm run` in a repository takes a ready VM and does exactly
     * what a cold one does (checkout, exit status, --rm), under its own name and clock;
     * users never see the pool's VM, and it goes when the daemon stops. The daemon is
     * restarted with the pool on (so this runs alone) and back without it at the end.
     */
    private static void warmRun(SmokeHarness h) throws Exception {
        h.warmPool(1);
        expectOk(h.banger("daemon", "stop"), "daemon stop");
        CommandResult stopped;
        CommandResult left;
        CommandResult restarted;
        try {
            expectOk(h.banger("daemon", "start"), "daemon start with vm.warm-pool = 1");
            java.nio.file.Path repo = WorkspaceScenarios.repoWithLocalChanges(h, "warm-run");
            String head = dev.banger.cli.smoke.SmokeRepos.git(repo, "rev-parse", "HEAD");
            String script = "pwd; git rev-parse HEAD; cat d00/f0001.txt; for f in untracked.txt debug.log"
                    + " d00/f0002.txt; do [ -e $f ] && echo present $f; done; [ -x run-tests.sh ] && echo exec-bit;"
                    + " ./run-tests.sh; exit 3";
            String expected = "/root/repo\n" + head + "\nedited on the host, not committed\nexec-bit\ntests pass\n";

            long t0 = System.nanoTime();
            CommandResult cold = h.bangerIn(repo, "vm", "run", "--rm", "-v", "--", "sh", "-c", script);
            long coldMs = (System.nanoTime() - t0) / 1_000_000;
            expect(cold.exit() == 3 && output(cold).equals(expected) && !cold.stdout().contains("warm pool"),
                    "the first run boots (nothing is kept ready before one asked)", cold);
            t0 = System.nanoTime();
            awaitReady(h);
            long fillMs = (System.nanoTime() - t0) / 1_000_000;
            expect(h.banger("vm", "list").stdout().lines().noneMatch(l -> l.startsWith("warm-"))
                    && h.banger("vm", "snapshot", "list").stdout().lines().noneMatch(l -> l.startsWith("warm-")),
                    "users see neither the pool's VM nor its snapshot", null);

            t0 = System.nanoTime();
            CommandResult warm = h.bangerIn(repo, "vm", "run", "--rm", "-v", "--name", "smoke-warm", "--", "sh", "-c",
                    "hostname; date +%s; " + script);
            System.out.println("smoke: vm run in a repository: cold " + coldMs + " ms, warm "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms; the pool's first VM ready " + fillMs + " ms later");
            expect(warm.stdout().contains("a ready VM from the warm pool"), "the run takes the ready VM", warm);
            String[] lines = output(warm).split("\n", 3);
            expect(warm.exit() == 3 && lines.length == 3 && lines[0].equals("smoke-warm") && lines[2].equals(expected),
                    "the same checkout and exit status as cold, under the run's own name", warm);
            long skew = Math.abs(Long.parseLong(lines[1]) - System.currentTimeMillis() / 1000);
            expect(skew < 30, "its clock is now, not the pool's (" + skew + " s off)", warm);
            expect(!h.banger("vm", "list").stdout().contains("smoke-warm"), "--rm deleted it", null);

            awaitReady(h);
            CommandResult forced = h.banger("vm", "run", "--rm", "-v", "--cold", "--", "true");
            expect(forced.ok() && !forced.stdout().contains("warm pool") && forced.stdout().contains("] boot: "),
                    "--cold boots although one is ready", forced);
        } finally {
            // The other scenarios need the daemon back without a pool, whatever happened here.
            h.warmPool(0);
            stopped = h.banger("daemon", "stop");
            left = h.inNetns("pgrep", "-af", h.bangerHome().resolve("state/vms").toString());
            restarted = h.banger("daemon", "start");
        }
        expectOk(stopped, "daemon stop");
        expectOk(restarted, "daemon start without a pool");
        // Any VMM left must be a user's VM (another scenario's, kept by its failure), never the pool's.
        java.util.List<String> users = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(h.banger("vm", "list", "-o", "json").stdout())
                .forEach(vm -> users.add(vm.path("id").asText()));
        java.util.List<String> pools = left.stdout().lines().filter(l -> users.stream().noneMatch(l::contains)).toList();
        expect(pools.isEmpty(), "the pool's VM went with the daemon (left: " + pools + ")", left);
    }

    /** Whether `vm show` reports the VM's agent answering, within a minute (its JVM may still be starting). */
    static boolean agentAnswers(SmokeHarness h, String vm) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        do {
            if (h.banger("vm", "show", vm).stdout().lines().anyMatch(l -> l.matches("agent\\s+ok, boot id .*"))) {
                return true;
            }
            Thread.sleep(2000);
        } while (System.nanoTime() < end);
        return false;
    }

    /** What the command printed, without -v's progress lines ("[vm create] boot: ..."). */
    private static String output(CommandResult r) {
        return r.stdout().lines().filter(l -> !l.matches("\\[[a-z ]+\\] .*")).map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
    }

    /** Until `daemon status` says the pool's VM is ready (a boot, a snapshot, a restore: minutes in CI). */
    private static void awaitReady(SmokeHarness h) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        CommandResult status;
        do {
            Thread.sleep(2000);
            status = h.banger("daemon", "status");
        } while (!status.stdout().contains("warm:  1 of 1 VM(s) ready") && System.nanoTime() < end);
        expect(status.stdout().contains("warm:  1 of 1 VM(s) ready"), "the pool has a ready VM", status);
    }

    private static final String IDENTITY = "hostname; cat /sys/class/net/eth0/address /etc/ssh/ssh_host_ed25519_key.pub;"
            + " head -c 16 /dev/urandom | od -An -tx1";

    /** The first bytes of the sshd banner at ip, or "unreachable". */
    private static String probe(String ip) {
        return "timeout 5 bash -c 'exec 3<>/dev/tcp/" + ip + "/22 && head -c 7 <&3' 2>/dev/null || echo unreachable";
    }

    private static void fork(SmokeHarness h) throws Exception {
        expectOk(h.banger("vm", "create", "--name", "smoke-fork"), "create");
        String pid = exec(h, "smoke-fork", "echo before-the-fork > /root/marker; sync;"
                + " setsid sleep 100000 >/dev/null 2>&1 </dev/null & echo $!");

        // Bad input changes nothing.
        for (String[] bad : new String[][] {{"--count", "0"}, {"--count", "17"}}) {
            CommandResult r = h.banger("vm", "fork", "smoke-fork", bad[0], bad[1]);
            expect(!r.ok() && r.stderr().contains("--count must be between 1 and 16"), "fork " + String.join(" ", bad), r);
        }
        CommandResult none = h.banger("vm", "fork", "smoke-no-such-vm");
        expect(!none.ok() && none.stderr().contains("no VM named smoke-no-such-vm"), "fork of no VM", none);
        expect(h.banger("vm", "list").stdout().lines().noneMatch(l -> l.startsWith("smoke-fork-")),
                "no copy recorded for a refused fork", null);

        String[] srcIdentity = exec(h, "smoke-fork", IDENTITY).split("\n");
        long t0 = System.nanoTime();
        CommandResult forked = h.banger("vm", "fork", "smoke-fork", "--count", "2");
        System.out.println("smoke: vm fork --count 2 took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        expect(forked.ok() && forked.stdout().contains("forked smoke-fork-1 (")
                && forked.stdout().contains("forked smoke-fork-2 ("), "vm fork --count 2", forked);
        expect(h.banger("vm", "snapshot", "list").stdout().lines().noneMatch(l -> l.startsWith("smoke-fork-fork-")),
                "the fork's snapshot is gone", null);
        String srcIp = ReachScenarios.ip(h, "smoke-fork");
        // The VM forked goes first: the copies run on without it, and two emulated VMs, not
        // three, share the CI machine's two cores with the other scenario's (three starved
        // sshd past ssh's 10 s banner wait there).
        expectOk(h.banger("vm", "delete", "smoke-fork"), "delete the VM forked");

        java.util.List<String> copies = java.util.List.of("smoke-fork-1", "smoke-fork-2");
        java.util.Set<String> seen = new java.util.HashSet<>(java.util.List.of(srcIdentity).subList(1, srcIdentity.length));
        java.util.Map<String, String> ips = new java.util.HashMap<>();
        for (String vm : copies) {
            String[] id = exec(h, vm, IDENTITY).split("\n");
            expect(id[0].equals(vm), vm + "'s own hostname (" + id[0] + ")", null);
            for (int i = 1; i < id.length; i++) {
                expect(seen.add(id[i]), vm + "'s own " + new String[] {"", "MAC", "SSH host key", "random numbers"}[i]
                        + " (" + id[i] + ")", null);
            }
            ips.put(vm, ReachScenarios.ip(h, vm));
            expect(exec(h, vm, "ip -4 -o addr show eth0").contains(ips.get(vm) + "/"), vm + " has its own address", null);
            expect(exec(h, vm, "cat /root/marker; kill -0 " + pid + " && echo alive").equals("before-the-fork\nalive"),
                    vm + ": the disk and the process from before the fork, without the VM it came from", null);
            long skew = Math.abs(Long.parseLong(exec(h, vm, "date +%s")) - System.currentTimeMillis() / 1000);
            expect(skew < 30, vm + "'s clock is now (" + skew + " s off)", null);
        }
        ips.put("smoke-fork", srcIp);
        expect(new java.util.HashSet<>(ips.values()).size() == 3, "three addresses: " + ips, null);

        exec(h, "smoke-fork-1", "echo only-in-copy-1 > /root/mine; sync");
        expect(exec(h, "smoke-fork-2", "test -e /root/mine && echo seen || echo unseen").equals("unseen"),
                "copy 2 does not see copy 1's writes", null);
        // Copies are VMs like any: the host reaches each (above); neither reaches the other.
        for (String[] pair : new String[][] {{"smoke-fork-1", "smoke-fork-2"}, {"smoke-fork-2", "smoke-fork-1"}}) {
            expect(exec(h, pair[0], probe(ips.get(pair[0]))).equals("SSH-2.0"), "the probe works: " + pair[0]
                    + " reaches its own sshd", null);
            String r = exec(h, pair[0], probe(ips.get(pair[1])));
            expect(r.equals("unreachable"), pair[0] + " cannot reach " + pair[1] + "'s sshd (got " + r + ")", null);
        }
        expectOk(h.banger("vm", "delete", "smoke-fork-1", "smoke-fork-2"), "delete the copies");
    }
}
