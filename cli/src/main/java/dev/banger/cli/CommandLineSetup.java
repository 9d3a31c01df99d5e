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
 * only the command branch the arguments name is modelled, down to its verb or group
 * (picocli models every subcommand it is given, ~45 ms for the whole tree on each start).
 */
@ApplicationScoped
public class CommandLineSetup {
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory, CommandLine.IFactory beans,
            @CommandLineArguments String[] args) {
        dev.banger.cli.cache.ClassListPreload.atExitIfAsked();
        CommandLine root = factory.create();
        for (Class<?> sub : branches(args)) {
            root.addSubcommand(branch(sub, args.length > 1 ? args[1] : null, beans));
        }
        // Set after the subcommands are added: picocli hands these down to existing ones only.
        return root.setExecutionExceptionHandler(new ErrorReporter()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * A top-level command; one whose verbs are its methods and groups (vm) gets only the
     * one word names (all for help or a typo): the groups' own verbs were ~1/8 of a `vm
     * list`'s CPU.
     */
    static CommandLine branch(Class<?> sub, String word, CommandLine.IFactory beans) {
        CommandLine branch = new CommandLine(sub, beans);
        if (sub.getAnnotation(Command.class).addMethodSubcommands()) {
            return branch;
        }
        List<Method> all = CommandLine.getCommandMethods(sub, null);
        List<Method> verb = namedVerbs(all, word);
        Optional<Class<?>> group = verb.isEmpty() ? named(groups(sub), word) : Optional.empty();
        List<Class<?>> groups = group.map(List::<Class<?>>of).orElse(verb.isEmpty() ? groups(sub) : List.of());
        for (Class<?> g : groups) {
            branch.addSubcommand(new CommandLine(g, beans));
        }
        for (Method m : group.isPresent() ? List.<Method>of() : verb.isEmpty() ? all : verb) {
            branch.addSubcommand(new CommandLine(m, beans));
        }
        return branch;
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

    /** The groups of verbs cls has besides its methods (added here, not by its annotation). */
    static List<Class<?>> groups(Class<?> cls) {
        return cls == dev.banger.cli.vm.VmCommand.class ? dev.banger.cli.vm.VmCommand.GROUPS : List.of();
    }

    /** The @Command methods of cls that word names; all of them when it names none (help, a typo). */
    static List<Method> verbs(Class<?> cls, String word) {
        List<Method> all = CommandLine.getCommandMethods(cls, null);
        List<Method> named = namedVerbs(all, word);
        return named.isEmpty() ? all : named;
    }

    private static List<Method> namedVerbs(List<Method> verbs, String word) {
        return verbs.stream().filter(m -> names(m.getAnnotation(Command.class), word)).toList();
    }

    private static boolean names(Command command, String word) {
        return word != null && (command.name().equals(word) || List.of(command.aliases()).contains(word));
    }

    private static Optional<Class<?>> named(String word) {
        return named(BangerCommand.SUBCOMMANDS, word);
    }

    private static Optional<Class<?>> named(List<Class<?>> commands, String word) {
        for (Class<?> c : commands) {
            if (names(c.getAnnotation(Command.class), word)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
