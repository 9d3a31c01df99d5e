package dev.banger.cli;

import dev.banger.cli.output.ErrorReporter;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.lang.reflect.Method;
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
        dev.banger.cli.cache.ClassListPreload.atExitIfAsked();
        CommandLine root = factory.create();
        for (Class<?> sub : branches(args)) {
            CommandLine branch = new CommandLine(sub, beans);
            if (!sub.getAnnotation(Command.class).addMethodSubcommands()) {
                // A command whose verbs are its methods (vm): only the verb named is modelled too.
                for (Method verb : verbs(sub, args.length > 1 ? args[1] : null)) {
                    branch.addSubcommand(new CommandLine(verb, beans));
                }
            }
            root.addSubcommand(branch);
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

    /** The @Command methods of cls that word names; all of them when it names none (help, a typo). */
    static List<Method> verbs(Class<?> cls, String word) {
        List<Method> all = CommandLine.getCommandMethods(cls, null);
        List<Method> named = all.stream().filter(m -> names(m.getAnnotation(Command.class), word)).toList();
        return named.isEmpty() ? all : named;
    }

    private static boolean names(Command command, String word) {
        return word != null && (command.name().equals(word) || List.of(command.aliases()).contains(word));
    }

    private static Optional<Class<?>> named(String word) {
        for (Class<?> c : BangerCommand.SUBCOMMANDS) {
            if (names(c.getAnnotation(Command.class), word)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
