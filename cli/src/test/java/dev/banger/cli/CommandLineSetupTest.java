package dev.banger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.cli.daemon.DaemonCommand;
import dev.banger.cli.vm.VmCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineSetupTest {
    @Test
    void onlyTheNamedBranchIsModelled() {
        assertEquals(List.of(VmCommand.class), CommandLineSetup.branches(new String[] {"vm", "list"}));
        assertEquals(List.of(DaemonCommand.class), CommandLineSetup.branches(new String[] {"daemon", "stop"}));
    }

    @Test
    void ofTheVmVerbsOnlyTheNamedOneIsModelledAndAllForHelp() {
        assertEquals(List.of("list"), CommandLineSetup.verbs(VmCommand.class, "ls").stream().map(m -> m.getName())
                .toList(), "an alias names its verb");
        assertEquals(List.of("delete"), CommandLineSetup.verbs(VmCommand.class, "rm").stream().map(m -> m.getName())
                .toList());
        int all = picocli.CommandLine.getCommandMethods(VmCommand.class, null).size();
        assertEquals(all, CommandLineSetup.verbs(VmCommand.class, "--help").size());
        assertEquals(all, CommandLineSetup.verbs(VmCommand.class, null).size());
        assertTrue(all > 10, "the vm verbs are methods of VmCommand");
    }

    @Test
    void helpTyposAndCompletionSeeTheWholeTree() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"vn", "list"},
                new String[] {"generate-completion"})) {
            assertEquals(BangerCommand.SUBCOMMANDS, CommandLineSetup.branches(args), String.join(" ", args));
        }
    }

    @Test
    void ofTheVmGroupsOnlyTheNamedOneIsModelledAndAllForHelp() {
        picocli.CommandLine.IFactory plain = picocli.CommandLine.defaultFactory();
        assertEquals(List.of("list", "ls"), List.copyOf(CommandLineSetup.branch(VmCommand.class, "list", plain)
                .getSubcommands().keySet()), "a verb (and its alias): no group");
        assertEquals(List.of("session"), List.copyOf(CommandLineSetup.branch(VmCommand.class, "session", plain)
                .getSubcommands().keySet()), "a group: no verb");
        assertTrue(CommandLineSetup.branch(VmCommand.class, "session", plain).getSubcommands().get("session")
                .getSubcommands().containsKey("start"), "the group with its own verbs");
        var help = CommandLineSetup.branch(VmCommand.class, "--help", plain).getSubcommands().keySet();
        assertTrue(help.containsAll(List.of("run", "workspace", "session", "snapshot", "list", "create", "exec")), help.toString());
    }
}
