package dev.banger.cli.smoke;

import static dev.banger.cli.smoke.Scenarios.expect;
import static dev.banger.cli.smoke.Scenarios.expectOk;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.layout.StorageStageDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SEC-4 with real VMs: a banger process killed (SIGKILL) at a step of a VM's life, then
 * started again, loses no VM and leaks nothing. Each kills a service, so each runs alone.
 */
final class CrashScenarios {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CrashScenarios() {
    }

    static void register(Map<String, Scenarios.Scenario> all) {
        all.put("orchestrator-killed-mid-start-adopts-the-vm", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-cut", "--no-start"), "create");
            String id = id(h, "smoke-cut");
            Path pidFile = h.bangerHome().resolve("state/vms").resolve(id).resolve("vmm.pid");
            CompletableFuture<CommandResult> start = CompletableFuture.supplyAsync(
                    () -> h.banger("vm", "start", "smoke-cut"));
            // The VMM is up and the orchestrator waits for SSH: the step where a kill hurt most.
            for (int i = 0; i < 600 && !Files.exists(pidFile); i++) {
                Thread.sleep(100);
            }
            expect(Files.exists(pidFile), "the VMM started", null);
            kill(h, "orchestrator");
            start.get(60, TimeUnit.SECONDS);
            expectOk(h.banger("daemon", "start"), "the orchestrator comes back");
            CommandResult exec = null;
            for (int i = 0; i < 30 && (exec == null || !exec.ok()); i++) {
                exec = h.banger("vm", "exec", "smoke-cut", "--", "echo", "adopted");
                if (!exec.ok()) {
                    Thread.sleep(2000);
                }
            }
            expect(exec.ok() && exec.stdout().equals("adopted\n"), "the VM whose start was cut short runs and answers",
                    exec);
            expect(h.banger("vm", "show", "smoke-cut").stdout().contains("running"), "shown running", null);
            expect(vmmsOf(h, id) == 1, "one VMM for it, not a second one", null);
            expectOk(h.banger("vm", "start", "smoke-cut"), "start again is a no-op on the live VM");
            expect(vmmsOf(h, id) == 1, "still one VMM", null);
            expectOk(h.banger("vm", "delete", "smoke-cut"), "delete");
            expect(vmmsOf(h, id) == 0, "its VMM is gone with it", null);
            expect(!h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id), "no TAP left", null);
        });
        all.put("delete-while-net-service-is-down-leaks-nothing", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-leak", "--nat"), "create with --nat");
            String id = id(h, "smoke-leak");
            kill(h, "net");
            // The delete goes on without the net service: the TAP and NAT rules stay behind...
            expectOk(h.banger("vm", "delete", "smoke-leak"), "delete while the net service is down");
            expect(h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id),
                    "(the leak this scenario is about is really there)", null);
            expectOk(h.banger("daemon", "stop"), "daemon stop");
            expectOk(h.banger("daemon", "start"), "daemon start");
            // ...until reconcile (at start, or its next periodic round) releases them.
            boolean clean = false;
            for (int i = 0; i < 45 && !clean; i++) {
                clean = !h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id)
                        && !h.inNetns("nft", "list", "ruleset").stdout().contains("banger:vm=" + id);
                if (!clean) {
                    Thread.sleep(2000);
                }
            }
            expect(clean, "no TAP, binding or NAT rule of the deleted VM left: a later VM with its IP gets no route out",
                    h.inNetns("nft", "list", "ruleset"));
        });
    }

    /** Where the kill lands: a verb and the step it has just begun (StepPause in the orchestrator). */
    static final List<String> STEPS = List.of("start:disks", "start:identity", "start:boot", "stop:poweroff over ssh",
            "delete:end vmm", "delete:release network and disks");

    /**
     * SEC-4, item 9's harness: the orchestrator killed (SIGKILL) at each step of start,
     * stop and delete, held there by the test-only pause hook. After a restart the VM can
     * be started (or deleted) again, and once deleted nothing of it is left: no TAP, no
     * binding or NAT rule, no disk or directory, no VMM, no record (and so no IP).
     */
    static void registerEachStep(Map<String, Scenarios.Scenario> all) {
        all.put("orchestrator-killed-at-each-step-leaks-nothing", h -> {
            for (int i = 0; i < STEPS.size(); i++) {
                killedAt(h, STEPS.get(i), "smoke-step-" + i);
            }
        });
        all.put("net-and-storage-killed-mid-call-leak-nothing", h -> {
            for (int i = 0; i < SERVICE_STEPS.size(); i++) {
                killedAt(h, SERVICE_STEPS.get(i), "smoke-svc-" + i);
            }
        });
    }

    /**
     * The root services' own steps (StepPause in NetService and StorageService), each the
     * middle of a call of a VM's start: a TAP taken but not yet bound; forwarding on but no
     * NAT rule; a temp copy of the work disk not yet renamed; a config stage in the storage
     * service's private temp dir.
     */
    static final List<String> SERVICE_STEPS = List.of("net:bind tap", "net:nat rule", "storage:grow work disk",
            "storage:make config disk");

    /**
     * Issue 11's last item: a daemon of another build (one that claims to be older, through
     * the test-only BANGER_TEST_DAEMON_BUILD) refuses the CLI's VM calls, and `vm run`
     * restarts it and goes on; a VM running meanwhile is not touched (same boot id).
     */
    static void registerBuildMismatch(Map<String, Scenarios.Scenario> all) {
        all.put("vm-run-restarts-a-daemon-of-another-build", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-old"), "create");
            String boot = h.banger("vm", "exec", "smoke-old", "--", "cat", "/proc/sys/kernel/random/boot_id").stdout();
            expectOk(h.banger("daemon", "stop"), "daemon stop");
            expectOk(h.bangerWith(Map.of("BANGER_TEST_DAEMON_BUILD", "0.0.1 (commit 0ld0ld0)"), "daemon", "start"),
                    "a daemon of another build");
            CommandResult refused = h.banger("vm", "list");
            expect(refused.exit() != 0 && refused.stderr().contains("the banger daemon runs 0.0.1 (commit 0ld0ld0)")
                    && refused.stderr().contains("banger daemon stop && banger daemon start"),
                    "vm list is refused, saying how to fix it", refused);
            CommandResult run = h.banger("vm", "run", "--rm", "--", "echo", "fresh");
            expect(run.ok() && run.stdout().equals("fresh\n") && run.stderr().contains("restarting it (VMs keep running)"),
                    "vm run restarts the daemon and runs", run);
            expectOk(h.banger("vm", "list"), "the new daemon answers the CLI");
            CommandResult after = h.banger("vm", "exec", "smoke-old", "--", "cat", "/proc/sys/kernel/random/boot_id");
            expect(after.ok() && after.stdout().equals(boot), "the VM that ran meanwhile was not touched", after);
            expectOk(h.banger("vm", "delete", "smoke-old"), "delete");
        });
    }

    /**
     * One kill: at an orchestrator verb's step (the orchestrator dies) or a root service's
     * step (that service dies mid-call, the orchestrator sees the call fail, and the
     * whole daemon is restarted as a user would after an error).
     */
    private static void killedAt(SmokeHarness h, String step, String name) throws Exception {
        String where = step.substring(0, step.indexOf(':'));
        boolean service = where.equals("net") || where.equals("storage");
        String verb = service ? "start" : where;
        String victim = service ? where : "orchestrator";
        List<String> create = new java.util.ArrayList<>(List.of("vm", "create", "--name", name, "--nat"));
        if (verb.equals("start")) {
            create.add("--no-start");
        }
        expectOk(h.banger(create.toArray(String[]::new)), step + ": create");
        String id = id(h, name);
        Path marker = h.bangerHome().resolve("state/test-paused-at");
        Files.deleteIfExists(marker);
        expectOk(h.banger("daemon", "stop"), step + ": daemon stop");
        expectOk(h.bangerWith(Map.of("BANGER_TEST_PAUSE_AT", step, "BANGER_TEST_PAUSE_MARKER", marker.toString()),
                "daemon", "start"), step + ": daemon start, pausing");
        CompletableFuture<CommandResult> cut = CompletableFuture.supplyAsync(() -> h.banger("vm", verb, name));
        for (int i = 0; i < 1200 && !Files.exists(marker); i++) {
            Thread.sleep(100);
        }
        if (!Files.exists(marker) || !Files.readString(marker).equals(step)) {
            // Say where the verb went instead: its own output if it ended, else the VM's record.
            expect(false, step + ": the verb reached the step (VM: " + h.banger("vm", "show", name, "-o", "json").stdout()
                    + ")", cut.isDone() ? cut.get() : h.banger("ops", "--vm", name));
        }
        if (where.equals("storage")) {
            expect(!leftovers(h).isEmpty(), step + ": (the temp file or stage this step is about is really there)", null);
        } else if (step.equals("net:bind tap")) {
            expect(h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id),
                    step + ": (the VM's TAP is really there, unbound)", null);
        }
        kill(h, victim);
        CommandResult cutShort = cut.get(60, TimeUnit.SECONDS);
        if (service) {
            expect(cutShort.exit() != 0, step + ": the start fails, and says so", cutShort);
            expectOk(h.banger("daemon", "stop"), step + ": daemon stop with the " + victim + " service gone");
            expectOk(h.banger("daemon", "start"), step + ": daemon start");
            List<Path> left = leftovers(h);
            expect(left.isEmpty(), step + ": the storage service swept its temp files at start: " + left, null);
        } else {
            expectOk(h.banger("daemon", "start"), step + ": the orchestrator comes back");
        }
        if (!verb.equals("delete")) {
            CommandResult start = h.banger("vm", "start", name);
            expect(start.ok(), step + ": the VM starts again", start);
            CommandResult exec = h.banger("vm", "exec", name, "--", "echo", "alive");
            expect(exec.ok() && exec.stdout().equals("alive\n"), step + ": and answers", exec);
            expect(vmmsOf(h, id) == 1, step + ": with one VMM", null);
        }
        CommandResult delete = h.banger("vm", "delete", name);
        expect(delete.ok(), step + ": delete", delete);
        expect(vmmsOf(h, id) == 0, step + ": no VMM left", null);
        expect(!Files.exists(h.bangerHome().resolve("state/vms").resolve(id)), step + ": no VM directory or disk left",
                null);
        expect(!h.banger("vm", "list").stdout().contains(name), step + ": no record (its IP is free)", null);
        boolean clean = false;
        for (int i = 0; i < 30 && !clean; i++) {
            clean = !h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id)
                    && !h.inNetns("nft", "list", "ruleset").stdout().contains("banger:vm=" + id);
            if (!clean) {
                Thread.sleep(1000);
            }
        }
        expect(clean, step + ": no TAP, binding or NAT rule left", h.inNetns("nft", "list", "ruleset"));
    }

    /**
     * SEC-4 with a real QEMU: a VMM that is SIGSTOPped accepts on its QMP socket and never
     * answers, and its guest answers neither SSH nor the power button. `vm stop` must still
     * end, within the sum of its steps' bounds (10 s ssh, 30 s, QMP deadline, 20 s, kill),
     * with the VM stopped and nothing of it left on the host.
     */
    static void registerWedged(Map<String, Scenarios.Scenario> all) {
        all.put("stop-of-a-frozen-vmm-ends-in-bounded-time", h -> {
            expectOk(h.banger("vm", "create", "--name", "smoke-frozen"), "create");
            String id = id(h, "smoke-frozen");
            long vmm = Long.parseLong(Files.readString(h.bangerHome().resolve("state/vms").resolve(id)
                    .resolve("vmm.pid")).strip());
            expect(vmmsOf(h, id) == 1 && ProcessHandle.of(vmm).isPresent(), "its QEMU runs", null);
            Process stopSignal = new ProcessBuilder("kill", "-STOP", Long.toString(vmm)).start();
            expect(stopSignal.waitFor(10, TimeUnit.SECONDS) && stopSignal.exitValue() == 0, "QEMU frozen (SIGSTOP)",
                    null);
            long t0 = System.nanoTime();
            CommandResult stop = h.banger("vm", "stop", "smoke-frozen");
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            expect(stop.ok(), "stop ends, and succeeds", stop);
            expect(seconds < 120, "stop ended in " + seconds + " s: its steps are bounded", stop);
            expect(vmmsOf(h, id) == 0, "the frozen QEMU was killed", null);
            expect(JSON.readTree(h.banger("vm", "show", "smoke-frozen", "-o", "json").stdout()).path("state").asText()
                    .equals("STOPPED"), "the VM is stopped, not error", null);
            expect(!h.inNetns("ip", "-o", "link", "show").stdout().contains("banger:vm=" + id), "its TAP released",
                    null);
            expectOk(h.banger("vm", "delete", "smoke-frozen"), "delete");
        });
    }

    /** Temp copies in the VMs' directories and config stages in the storage service's private temp dir. */
    private static List<Path> leftovers(SmokeHarness h) throws java.io.IOException {
        Path state = h.bangerHome().resolve("state");
        Path stages = StorageStageDir.forStateDir(state).dir();
        java.util.List<Path> left = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.walk(state.resolve("vms"))) {
            s.filter(p -> p.getFileName().toString().contains(".tmp-")).forEach(left::add);
        }
        if (!Files.isDirectory(stages)) {
            left.add(stages.resolve("(missing: where does the storage service stage?)"));
            return left;
        }
        try (java.util.stream.Stream<Path> s = Files.list(stages)) {
            s.filter(p -> p.getFileName().toString().startsWith(StorageStageDir.CONFIG_STAGE_PREFIX)).forEach(left::add);
        }
        return left;
    }

    private static String id(SmokeHarness h, String name) throws Exception {
        return JSON.readTree(h.banger("vm", "show", name, "-o", "json").stdout()).path("id").asText();
    }

    /** SIGKILL of one banger service, by the pid its pid file names (a process this test's daemon started). */
    private static void kill(SmokeHarness h, String service) throws Exception {
        long pid = Long.parseLong(Files.readString(h.bangerHome().resolve("run/" + service + ".pid")).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
    }

    /** QEMU processes started for this VM (by its own -pidfile argument). */
    private static long vmmsOf(SmokeHarness h, String id) {
        String pidFile = h.bangerHome().resolve("state/vms").resolve(id).resolve("vmm.pid").toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> java.util.Arrays.asList(a).contains(pidFile)).orElse(false)).count();
    }
}
