package dev.banger.orchestrator.sessions;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.ShellQuote;
import dev.banger.orchestrator.agent.AgentCalls;
import dev.banger.orchestrator.lifecycle.VmLifecycle;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.ops.Operations;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Sessions (WS-3) through the guest agent: the guest's supervisor runs them and keeps
 * their state and output, so nothing here holds a session alive; a daemon restart just
 * asks the agent again. Output is read by offset, so a follower or an attach resumes
 * exactly where it was.
 */
@ApplicationScoped
public class VmSessions {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    static final Duration AGENT_TIMEOUT = Duration.ofSeconds(15);
    /** How long a VM that just booted may take to start its agent. */
    static final Duration AGENT_START = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofMillis(250);
    /** Stdin moves in pieces that fit the agent's request line once base64-encoded. */
    static final int STDIN_PIECE = 2048;
    /** What an attach shows of the output before now. */
    static final long ATTACH_CONTEXT = 16 * 1024;
    private final VmStore store;
    private final VmLifecycle lifecycle;

    public VmSessions(VmStore store, VmLifecycle lifecycle) {
        this.store = store;
        this.lifecycle = lifecycle;
    }

    public record Started(VmRecord vm, GuestSession session) {
    }

    public Started start(String ref, String name, String cwd, List<String> argv) {
        VmRecord vm = store.resolve(ref);
        Operations.touch(vm.name(), vm.id());
        store.touchActivity(vm.id(), java.time.Instant.now()); // sessions are use (--idle-stop)
        if (argv.isEmpty()) {
            throw new InvalidArgumentException("a session needs a command: vm session start NAME -- CMD");
        }
        String dir = cwd.isEmpty() ? (vm.workspacePath() != null ? vm.workspacePath() : "/root") : cwd;
        if (!dir.startsWith("/")) {
            throw new InvalidArgumentException("--cwd must be an absolute guest path, got " + dir);
        }
        String session = name.isEmpty() ? freeName(vm) : requireName(name);
        String command = ShellQuote.join(argv);
        String request = "session-start " + session + " " + b64(dir) + " " + b64(command);
        if (request.length() > 3800) {
            throw new InvalidArgumentException("the command is too long for a session (" + command.length()
                    + " characters; at most about 2700): put it in a script in the guest");
        }
        return new Started(vm, GuestSession.parse(call(vm, request)).get(0));
    }

    public List<GuestSession> list(String ref) {
        VmRecord vm = store.resolve(ref);
        return GuestSession.parse(call(vm, "session-list"));
    }

    public GuestSession stop(String ref, String name) {
        VmRecord vm = store.resolve(ref);
        Operations.touch(vm.name(), vm.id());
        return GuestSession.parse(call(vm, "session-stop " + requireName(name))).get(0);
    }

    /** The session's output from its start; with follow, on until it ends or stop says so. */
    public void logs(String ref, String name, boolean follow, Consumer<byte[]> send, BooleanSupplier stop) {
        VmRecord vm = store.resolve(ref);
        stream(vm, requireName(name), 0, follow, send, stop);
    }

    /** Attach: a little of the output before now, then live until the session ends or stop says so. */
    public void attachOutput(String ref, String name, Consumer<byte[]> send, BooleanSupplier stop) {
        VmRecord vm = store.resolve(ref);
        store.touchActivity(vm.id(), java.time.Instant.now());
        String n = requireName(name);
        long end = OutputChunk.parse(call(vm, "session-output " + n + " " + Long.MAX_VALUE)).nextOffset();
        stream(vm, n, Math.max(0, end - ATTACH_CONTEXT), true, send, stop);
    }

    /** Bytes for the session's stdin (attach). */
    public void write(String ref, String name, byte[] data) {
        VmRecord vm = store.resolve(ref);
        store.touchActivity(vm.id(), java.time.Instant.now());
        String n = requireName(name);
        for (int i = 0; i < data.length; i += STDIN_PIECE) {
            byte[] piece = java.util.Arrays.copyOfRange(data, i, Math.min(data.length, i + STDIN_PIECE));
            call(vm, "session-write " + n + " " + Base64.getEncoder().encodeToString(piece));
        }
    }

    private void stream(VmRecord vm, String name, long from, boolean follow, Consumer<byte[]> send, BooleanSupplier stop) {
        long offset = from;
        while (!stop.getAsBoolean()) {
            OutputChunk c = OutputChunk.parse(call(vm, "session-output " + name + " " + offset));
            if (c.data().length > 0) {
                send.accept(c.data());
            }
            offset = c.nextOffset();
            if (c.data().length > 0) {
                continue; // more may be waiting: read again at once
            }
            if (!follow || c.ended() || !dev.banger.common.exec.Poll.pause(POLL)) {
                return;
            }
        }
    }

    private String freeName(VmRecord vm) {
        Set<String> taken = new HashSet<>();
        GuestSession.parse(call(vm, "session-list")).forEach(s -> taken.add(s.name()));
        for (int i = 1;; i++) {
            if (!taken.contains("s" + i)) {
                return "s" + i;
            }
        }
    }

    static String requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("a session name is 1-32 of a-z, 0-9 and '-', got '" + name + "'");
        }
        return name;
    }

    private String call(VmRecord vm, String request) {
        return AgentCalls.ask(lifecycle.agentTarget(vm), vm.name(), request, AGENT_TIMEOUT, AGENT_START);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
