package dev.banger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void helpTyposAndCompletionSeeTheWholeTree() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"vn", "list"},
                new String[] {"generate-completion"})) {
            assertEquals(BangerCommand.SUBCOMMANDS, CommandLineSetup.branches(args), String.join(" ", args));
        }
    }
}
