package dev.banger.cli.vm;

import dev.banger.cli.daemon.Durations;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.OutputFormat;
import dev.banger.cli.output.Table;
import dev.banger.proto.api.v1.GetVmRequest;
import dev.banger.proto.api.v1.Session;
import dev.banger.proto.api.v1.SessionRef;
import dev.banger.proto.api.v1.SessionStartRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `banger vm session ...` (WS-3): long-lived commands in a VM that outlive the CLI, SSH and the daemon. */
@Command(name = "session", mixinStandardHelpOptions = true,
        description = "Long-running commands in a VM that survive the CLI, dropped connections and daemon restarts.")
public class SessionCommand {

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start CMD in the VM under a supervisor of its own (in the workspace when there is one).")
    int start(@Parameters(index = "0", paramLabel = "VM") String ref,
            @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*") List<String> command,
            @Option(names = "--name", description = "the session's name (default: s1, s2, ...)") String name,
            @Option(names = "--cwd", description = "where it runs (default: the workspace, else /root)") String cwd) {
        Session s = VmVerbs.call(st -> st.sessionStart(SessionStartRequest.newBuilder().setRef(ref)
                .setName(name == null ? "" : name).setCwd(cwd == null ? "" : cwd).addAllArgv(command).build()), 60);
        System.out.println("started session " + s.getName() + " in " + s.getVm() + " (" + s.getCwd() + "); `banger vm"
                + " session attach " + s.getVm() + " " + s.getName() + "` to join it");
        return 0;
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "The VM's sessions.")
    int list(@Parameters(paramLabel = "VM") String ref, @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        List<Session> all = VmVerbs.call(st -> st.sessionList(GetVmRequest.newBuilder().setRef(ref).build()), 30)
                .getSessionsList();
        if (format == OutputFormat.json) {
            System.out.print(Json.array(all));
            return 0;
        }
        Table t = new Table("NAME", "STATE", "EXIT", "AGE", "CWD", "COMMAND");
        Instant now = Instant.now();
        for (Session s : all) {
            t.row(s.getName(), s.getState(), s.getState().equals("exited") ? s.getExitCode() : "-",
                    Durations.human(Duration.between(Instant.ofEpochSecond(s.getStarted().getSeconds()), now)), s.getCwd(),
                    s.getCommand());
        }
        System.out.print(t.render());
        return 0;
    }

    @Command(name = "attach", mixinStandardHelpOptions = true, description = {
        "Join a session: its recent output, then live; what you type goes to its stdin (line by line).",
        "Ctrl-] (then Enter) or Ctrl-D detaches and leaves it running. Exits with its status when it ends."})
    int attach(@Parameters(index = "0", paramLabel = "VM") String ref, @Parameters(index = "1", paramLabel = "SESSION")
            String name) throws Exception {
        return SessionAttach.run(ref, name);
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "A session's output; -f follows it.")
    int logs(@Parameters(index = "0", paramLabel = "VM") String ref, @Parameters(index = "1", paramLabel = "SESSION")
            String name, @Option(names = {"-f", "--follow"}, description = "until it ends (Ctrl-C stops following)")
            boolean follow) {
        SessionAttach.logs(SessionRef.newBuilder().setRef(ref).setName(name).setFollow(follow).build());
        return 0;
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop a session: TERM to its processes, KILL 5 s later.")
    int stop(@Parameters(index = "0", paramLabel = "VM") String ref, @Parameters(index = "1", paramLabel = "SESSION")
            String name) {
        Session s = VmVerbs.call(st -> st.sessionStop(SessionRef.newBuilder().setRef(ref).setName(name).build()), 60);
        System.out.println("stopped session " + s.getName() + " (" + s.getState()
                + (s.getState().equals("exited") ? ", status " + s.getExitCode() : "") + ")");
        return 0;
    }
}
