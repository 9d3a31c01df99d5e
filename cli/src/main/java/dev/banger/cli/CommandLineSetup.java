package dev.banger.cli;

import dev.banger.cli.output.ErrorReporter;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * One place for the CLI's manners: errors as `banger: <kind>: <message>` on stderr, and
 * only the command branch the arguments name is modelled (picocli models every
 * subcommand it is given, ~45 ms for the whole tree on each start).
 */
@ApplicationScoped
public class CommandLineSetup {
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory, CommandLine.IFactory beans,
            @CommandLineArguments String[] args) {
        CommandLine root = factory.create();
        for (Class<?> sub : branches(args)) {
            root.addSubcommand(new CommandLine(sub, beans));
        }
        // Set after the subcommands are added: picocli hands these down to existing ones only.
        return root.setExecutionExceptionHandler(new ErrorReporter()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * The top-level command the first argument names; all of them for help, a typo (so
     * picocli can suggest) and completion scripts (which describe the whole tree).
     */
    static List<Class<?>> branches(String[] args) {
        if (args.length == 0) {
            return BangerCommand.SUBCOMMANDS;
        }
        return named(args[0]).filter(c -> c != picocli.AutoComplete.GenerateCompletion.class).map(List::<Class<?>>of)
                .orElse(BangerCommand.SUBCOMMANDS);
    }

    private static Optional<Class<?>> named(String word) {
        for (Class<?> c : BangerCommand.SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command.name().equals(word) || List.of(command.aliases()).contains(word)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
