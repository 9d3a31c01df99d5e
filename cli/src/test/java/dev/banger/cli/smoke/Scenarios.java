package dev.banger.cli.smoke;

import dev.banger.common.exec.CommandResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The smoke scenario registry (QA-1): each a name and what a user types, checked
 * against what a user would see. Scenarios use distinct VM names, so several can run
 * at once (--jobs).
 */
public final class Scenarios {
    public interface Scenario {
        void run(SmokeHarness h) throws Exception;
    }

    public static final Map<String, Scenario> ALL = new LinkedHashMap<>();
    /**
     * Scenarios that act on every VM or on the daemon itself (prune deletes any stopped
     * VM; one kills the orchestrator), or make a --nat VM while nat-only-with-flag reads
     * the whole ruleset: with more than one job, SmokeLanes runs them one at a time on a
     * harness (and daemon) of their own, beside the others.
     */
    public static final java.util.Set<String> ALONE = java.util.Set.of("orchestrator-restart-keeps-a-running-vm",
            "prune-keeps-running-vms", "bootstrap-needs-nat", "orchestrator-killed-mid-start-adopts-the-vm",
            "delete-while-net-service-is-down-leaks-nothing", "dns-answers-for-vm-names",
            "session-survives-a-daemon-restart",
            "orchestrator-killed-at-each-step-leaks-nothing", "net-and-storage-killed-mid-call-leak-nothing",
            "vm-run-restarts-a-daemon-of-another-build", "warm-run-matches-cold-in-a-repository",
            // Four JVMs starting in an emulated guest: ~75 s alone, but beside another
            // scenario's VM none of them had started after 300 s in CI.
            "system-install-update-rollback-uninstall-under-systemd");
    /**
     * Of ALONE, those that need the machine's cores to themselves, not only a daemon nobody
     * else uses: with more than one job, SmokeLanes runs them after every other scenario.
     */
    public static final java.util.Set<String> MACHINE_ALONE = java.util.Set.of(
            "system-install-update-rollback-uninstall-under-systemd");
    /** Scenarios that boot the dev image: the harness builds it only for them. */
    public static final java.util.Set<String> NEEDS_DEV_IMAGE = java.util.Set.of("dev-image-tools");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static {
        // The longest (~9 min: a systemd guest, three releases); it runs alone (ALONE), after the others.
        SystemScenarios.register(ALL);
        ALL.put("bare-run", h -> {
            CommandResult r = h.banger("vm", "run", "--rm", "--", "sh", "-c", "uname -a; grep ' /root ' /proc/mounts");
            expect(r.exit() == 0 && r.stdout().startsWith("Linux "), "uname in a fresh VM", r);
            // The work disk's inode tables are zero already: no lazy zeroing writing behind the guest's back.
            expect(r.stdout().matches("(?s).* /root ext4 [^\\n]*noinit_itable.*"), "/root mounted noinit_itable", r);
        });
        ALL.put("first-run-installs-what-is-missing", h -> {
            // The README's promise: on a fresh install, one command starts the daemon,
            // builds the default image, boots a VM and hands back the command's status.
            CommandResult r = h.bangerOnFreshInstall("vm", "run", "--rm", "--", "sh", "-c", "exit 42");
            expect(r.exit() == 42 && r.stderr().contains("starting the daemon")
                    && r.stderr().contains("building the default image"), "vm run sets up what is missing", r);
        });
        ALL.put("exit-status", h -> {
            CommandResult r = h.banger("vm", "run", "--rm", "--", "sh", "-c", "exit 42");
            expect(r.exit() == 42, "exit 42 is banger's exit status (RUN-2)", r);
        });
        ALL.put("argument-quoting", h -> {
            CommandResult r = h.banger("vm", "run", "--rm", "--", "printf", "[%s]\\n", "a b", "it's", "$HOME", "*", ";");
            expect(r.exit() == 0 && r.stdout().equals("[a b]\n[it's]\n[$HOME]\n[*]\n[;]\n"),
                    "every argument reaches the guest exactly as typed (RUN-2)", r);
        });
        ALL.put("lifecycle", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-life"), "create");
            CommandResult before = h.banger("vm", "ssh", "smoke-life", "--", "sh", "-c",
                    "echo precious > /root/data.txt; cat /proc/sys/kernel/random/boot_id");
            expect(before.ok(), "ssh before stop", before);
            CommandResult stop = h.banger("vm", "stop", "smoke-life");
            expect(stop.ok() && stop.stdout().equals("stopped smoke-life\n"), "stop", stop);
            expect(h.banger("vm", "list").stdout().contains("stopped"), "listed as stopped", null);
            expectOk(h.banger("vm", "start", "smoke-life"), "start");
            CommandResult after = h.banger("vm", "ssh", "smoke-life", "--", "sh", "-c",
                    "cat /root/data.txt; cat /proc/sys/kernel/random/boot_id");
            expect(after.ok() && after.stdout().startsWith("precious\n"), "data written before stop survives (VM-6)",
                    after);
            expect(!after.stdout().contains(before.stdout().strip()), "a new boot id after start", after);
            expectOk(h.banger("vm", "delete", "smoke-life"), "delete");
            // OPS-5: each verb is in the operations log, the deleted VM's too; ssh is not an operation.
            CommandResult ops = h.banger("ops", "--vm", "smoke-life");
            List<String> kinds = ops.stdout().lines().skip(1)
                    .map(l -> l.split("\\s{2,}")[1] + " " + l.split("\\s{2,}")[3]).toList();
            expect(kinds.equals(List.of("vm create succeeded", "vm stop succeeded", "vm start succeeded",
                    "vm delete succeeded")), "create, stop, start, delete in the operations log", ops);
        });
        ALL.put("restart-set-exec", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-rs"), "create");
            expect(h.banger("vm", "exec", "smoke-rs", "--", "nproc").stdout().equals("2\n"), "two vCPUs by default",
                    null);
            expect(h.banger("vm", "set", "smoke-rs", "--vcpu", "1").exit() == 1, "set refused while running", null);
            expectOk(h.banger("vm", "stop", "smoke-rs"), "stop");
            expectOk(h.banger("vm", "set", "smoke-rs", "--vcpu", "1"), "set on a stopped VM");
            expectOk(h.banger("vm", "start", "smoke-rs"), "start");
            CommandResult n = h.banger("vm", "exec", "smoke-rs", "--", "nproc");
            expect(n.stdout().equals("1\n"), "nproc matches the new vCPU count", n);
            String boot1 = h.banger("vm", "exec", "smoke-rs", "--", "cat", "/proc/sys/kernel/random/boot_id").stdout();
            expectOk(h.banger("vm", "restart", "smoke-rs"), "restart");
            String boot2 = h.banger("vm", "exec", "smoke-rs", "--", "cat", "/proc/sys/kernel/random/boot_id").stdout();
            expect(!boot1.isBlank() && !boot1.equals(boot2), "restart is a real reboot (VM-5)", null);
            // The guest agent (its JVM starts at the first connection, slowly under emulation) answers
            // vm show with the same boot id, asked with the VM's token.
            String agent = "";
            for (int i = 0; i < 60 && !agent.startsWith("ok"); i++) {
                Thread.sleep(i == 0 ? 0 : 2000);
                agent = JSON.readTree(h.banger("vm", "show", "smoke-rs", "-o", "json").stdout()).path("agent").asText();
            }
            expect(agent.equals("ok, boot id " + boot2.strip()), "the agent answers with this boot's id: " + agent, null);
            CommandResult seven = h.banger("vm", "exec", "smoke-rs", "--", "sh", "-c", "exit 7");
            expect(seven.exit() == 7, "exec propagates the exit status (VM-10)", seven);
            expectOk(h.banger("vm", "delete", "smoke-rs"), "delete");
        });
        ALL.put("orchestrator-restart-keeps-a-running-vm", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-keep"), "create");
            long pid = Long.parseLong(java.nio.file.Files.readString(h.bangerHome().resolve("run/orchestrator.pid"))
                    .strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Thread.sleep(1000);
            expectOk(h.banger("daemon", "start"), "the orchestrator comes back");
            CommandResult r = h.banger("vm", "exec", "smoke-keep", "--", "echo", "still-here");
            expect(r.ok() && r.stdout().equals("still-here\n"), "the VM kept running and answers (VM-8)", r);
            expectOk(h.banger("vm", "delete", "smoke-keep"), "delete");
        });
        ALL.put("prune-keeps-running-vms", h -> {
            // Not with --jobs: prune deletes every VM that is not running, other scenarios' too.
            expectOk(h.banger("vm", "create", "--name", "smoke-running"), "create running");
            expectOk(h.banger("vm", "create", "--name", "smoke-idle", "--no-start"), "create idle");
            CommandResult p = h.banger("vm", "prune", "-f");
            expect(p.ok() && p.stdout().contains("deleted smoke-idle") && !p.stdout().contains("smoke-running"),
                    "prune deletes only what is not running (VM-4)", p);
            expect(h.banger("vm", "list").stdout().contains("smoke-running"), "the running VM stays", null);
            expectOk(h.banger("vm", "delete", "smoke-running"), "delete");
        });
        ALL.put("kill-leaves-stopped-and-nothing-held", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-kill"), "create");
            String id = JSON.readTree(h.banger("vm", "show", "smoke-kill", "-o", "json").stdout()).path("id").asText();
            expect(h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id), "its TAP while running",
                    null);
            CommandResult k = h.banger("vm", "kill", "--signal", "KILL", "smoke-kill");
            expect(k.ok(), "kill", k);
            CommandResult list = h.banger("vm", "list");
            expect(list.stdout().matches("(?s).*smoke-kill +stopped.*"), "killed VM is stopped, not error (VM-7)", list);
            // This VM's TAP only: with --jobs, other scenarios' VMs hold theirs meanwhile.
            expect(!h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id), "no TAP held", null);
            expectOk(h.banger("vm", "delete", "smoke-kill"), "delete");
        });
        ALL.put("invalid-spec-leaves-no-record", h -> {
            CommandResult zero = h.banger("vm", "create", "--vcpu", "0", "--name", "smoke-bad");
            expect(zero.exit() == 1 && zero.stderr().startsWith("banger: bad request:"), "--vcpu 0 refused", zero);
            CommandResult name = h.banger("vm", "create", "--name", "Bad_Name");
            expect(name.exit() == 1 && name.stderr().startsWith("banger: bad request:"), "bad name refused", name);
            CommandResult image = h.banger("vm", "create", "--image", "nosuch", "--name", "smoke-noimg");
            expect(image.exit() == 1 && image.stderr().startsWith("banger: not found:"), "unknown image refused", image);
            CommandResult failed = h.banger("ops", "--vm", "smoke-noimg", "-o", "json");
            java.util.regex.Matcher op = java.util.regex.Pattern.compile("\\(op ([0-9a-f]{12})\\)").matcher(image.stderr());
            expect(op.find() && failed.stdout().contains("\"id\": \"" + op.group(1) + "\"")
                    && failed.stdout().contains("\"state\": \"failed\""),
                    "the failed create is in the operations log under the op id its error printed", failed);
            CommandResult both = h.banger("vm", "run", "-d", "--rm");
            expect(both.exit() == 1, "-d with --rm refused (RUN-3)", both);
            // Only this scenario's names: with --jobs, other scenarios' VMs exist meanwhile.
            String list = h.banger("vm", "list").stdout();
            expect(!list.contains("smoke-bad") && !list.contains("Bad_Name") && !list.contains("smoke-noimg"),
                    "no record left (RUN-5)", null);
        });
        ALL.put("pause-resume-ttl-idle-stop", h -> {
            // SNAP-4. A VM with a TTL is deleted on time; one with --idle-stop is stopped once unused.
            // The idle VM first: under CI load a create can take half a minute, and the TTL
            // runs from its own create's start, so the list right after it still sees the VM. 90 s idle:
            // with 45 s the idle VM was stopped while the TTL VM's create took ~45 s in a slow CI.
            expectOk(h.banger("vm", "create", "--name", "smoke-nap", "--idle-stop", "90s"), "create --idle-stop 90s");
            long t0 = System.nanoTime();
            expectOk(h.banger("vm", "create", "--name", "smoke-ttl", "--ttl", "60s"), "create --ttl 60s");
            CommandResult withTtl = h.banger("vm", "list");
            expect(withTtl.stdout().lines().anyMatch(l -> l.startsWith("smoke-ttl ") && l.endsWith(" left")),
                    "vm list shows the time the TTL VM has left", withTtl);
            CommandResult sleeper = h.banger("vm", "exec", "smoke-nap", "--", "sh", "-c",
                    "setsid sleep 100000 >/dev/null 2>&1 </dev/null & echo $!");
            expect(sleeper.ok() && sleeper.stdout().strip().matches("[0-9]+"), "a process in the guest", sleeper);
            String pid = sleeper.stdout().strip();
            expectOk(h.banger("vm", "pause", "smoke-nap"), "pause");
            expect(h.banger("vm", "list").stdout().lines().anyMatch(l -> l.startsWith("smoke-nap ")
                    && l.contains(" paused ")), "vm list shows it paused", null);
            CommandResult refused = h.banger("vm", "exec", "smoke-nap", "--", "true");
            expect(refused.exit() == 1 && refused.stderr().contains("is paused; resume it with"),
                    "exec in a paused VM is refused, saying how to resume", refused);
            Thread.sleep(3000);
            expectOk(h.banger("vm", "resume", "smoke-nap"), "resume");
            CommandResult alive = h.banger("vm", "exec", "smoke-nap", "--", "kill", "-0", pid);
            expect(alive.ok(), "the guest's process runs on after pause and resume", alive);
            long lastUse = System.nanoTime();
            boolean ttlGone = false;
            boolean napStopped = false;
            while (System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(300)
                    && !(ttlGone && napStopped)) {
                String list = h.banger("vm", "list").stdout();
                if (!ttlGone && !list.contains("smoke-ttl ")) {
                    ttlGone = true;
                    long at = (System.nanoTime() - t0) / 1_000_000_000L;
                    expect(at >= 55, "the TTL VM lasted its 60 s (gone after " + at + " s)", null);
                }
                if (!napStopped && list.lines().anyMatch(l -> l.startsWith("smoke-nap ") && l.contains(" stopped "))) {
                    napStopped = true;
                    long idle = (System.nanoTime() - lastUse) / 1_000_000_000L;
                    expect(idle >= 85, "stopped only after 90 s unused (after " + idle + " s)", null);
                }
                Thread.sleep(2000);
            }
            expect(ttlGone, "the TTL VM is deleted on time", null);
            expect(napStopped, "the idle VM is stopped", null);
            expectOk(h.banger("vm", "delete", "smoke-nap"), "delete");
        });
        ALL.put("two-concurrent-runs", h -> {
            CompletableFuture<CommandResult> a = CompletableFuture.supplyAsync(
                    () -> h.banger("vm", "run", "--rm", "--name", "smoke-c1", "--", "true"));
            CompletableFuture<CommandResult> b = CompletableFuture.supplyAsync(
                    () -> h.banger("vm", "run", "--rm", "--name", "smoke-c2", "--", "true"));
            expect(a.get().ok() && b.get().ok(), "both concurrent runs succeed (VM-9)", a.get().ok() ? b.get() : a.get());
        });
        ALL.put("nat-only-with-flag", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-nonat"), "create without --nat");
            expect(!h.inNetns("nft", "list", "ruleset").stdout().contains("masquerade"), "no NAT rule without --nat",
                    null);
            expectOk(h.banger("vm", "delete", "smoke-nonat"), "delete");
            expectOk(h.banger("vm", "create", "--name", "smoke-nat", "--nat"), "create with --nat");
            expect(h.inNetns("nft", "list", "ruleset").stdout().contains("masquerade"), "NAT rule with --nat (NET-3)",
                    null);
            expectOk(h.banger("vm", "delete", "smoke-nat"), "delete");
            expect(!h.inNetns("nft", "list", "ruleset").stdout().contains("masquerade"), "rule removed on delete", null);
        });
        WorkspaceScenarios.register(ALL);
        CrashScenarios.register(ALL);
        ReachScenarios.register(ALL);
        SnapshotScenarios.register(ALL);
        CrashScenarios.registerWedged(ALL);
        CrashScenarios.registerEachStep(ALL);
        CrashScenarios.registerBuildMismatch(ALL);
    }

    private Scenarios() {
    }

    static void expectOk(CommandResult r, String what) {
        expect(r.ok(), what, r);
    }

    static void expect(boolean ok, String what, CommandResult r) {
        if (!ok) {
            throw new AssertionError(what + (r == null ? "" : ": exit " + r.exit() + "\n--- stdout\n" + r.stdout()
                    + "--- stderr\n" + r.stderr()));
        }
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }
}
