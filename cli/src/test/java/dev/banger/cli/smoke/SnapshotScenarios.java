package dev.banger.cli.smoke;

import static dev.banger.cli.smoke.Scenarios.expect;
import static dev.banger.cli.smoke.Scenarios.expectOk;

import dev.banger.common.exec.CommandResult;
import java.util.Map;

/** SNAP-1: a snapshot of a running VM, and a VM started from it without a boot. */
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
    }
}
